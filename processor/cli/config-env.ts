import { parse } from 'yaml';

/** A node of the generated JSON Schema, as far as overrides need to walk it. */
interface SchemaNode {
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
}

export const ENV_PREFIX = 'SHARDWATCH_';
/** Holds a whole config document (YAML or JSON), e.g. from an SSM parameter; not an override. */
export const CONFIG_DOCUMENT_VARIABLE = 'SHARDWATCH_CONFIG';

/** One setting taken from the environment: where it went in the document and which variable set it. */
export interface EnvOverride {
  path: (string | number)[];
  variable: string;
}

/** A SHARDWATCH_ variable that names no setting. */
export class UnknownSettingError extends Error {
  override readonly name = 'UnknownSettingError';
  constructor(readonly variable: string) {
    super(`${variable}: no such setting`);
  }
}

/**
 * Applies `SHARDWATCH_<SECTION>__<KEY>…=value` variables (ECS style: `__` between levels) to a parsed
 * document, in place, and returns what each one set. Keys match case-insensitively with `_` ignored
 * (`SHARDWATCH_CONSUMER__LEASE_TABLE` → consumer.leaseTable); map keys such as detection ids are lower-cased
 * with `_` read as `-` (`SHARDWATCH_DETECTIONS__IAM_USER_CREATED__ENABLED=false`); list items by index.
 * A value is read as YAML (numbers, booleans, `[a, b]`, `{…}`) unless the setting is a plain string.
 *
 *   applyEnvOverrides(document, { SHARDWATCH_CONSUMER__STREAM: 'events' }, schema);
 */
export function applyEnvOverrides(
  document: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  schema: Record<string, unknown>,
): EnvOverride[] {
  const applied: EnvOverride[] = [];
  const variables = Object.keys(env)
    .filter((name) => name.startsWith(ENV_PREFIX) && name !== CONFIG_DOCUMENT_VARIABLE)
    .sort();
  for (const variable of variables) {
    const raw = env[variable] as string;
    const segments = variable.slice(ENV_PREFIX.length).split('__');
    let node: SchemaNode | undefined = schema as SchemaNode;
    const path: (string | number)[] = [];
    for (const segment of segments) {
      const step = resolve(node, segment);
      if (!step) throw new UnknownSettingError(variable);
      path.push(step.key);
      node = step.node;
    }
    setAt(document, path, acceptsOnlyStrings(node) ? raw : readValue(raw));
    applied.push({ path, variable });
  }
  return applied;
}

function resolve(
  node: SchemaNode | undefined,
  segment: string,
): { key: string | number; node: SchemaNode } | undefined {
  if (!node || segment === '') return undefined;
  for (const branch of [node, ...(node.anyOf ?? []), ...(node.oneOf ?? [])]) {
    const wanted = normalize(segment);
    const key = Object.keys(branch.properties ?? {}).find((name) => normalize(name) === wanted);
    if (key !== undefined) return { key, node: branch.properties?.[key] as SchemaNode };
    if (typeof branch.additionalProperties === 'object')
      return { key: segment.toLowerCase().replaceAll('_', '-'), node: branch.additionalProperties };
    if (branch.items && /^\d+$/.test(segment)) return { key: Number(segment), node: branch.items };
  }
  return undefined;
}

const normalize = (name: string) => name.toLowerCase().replaceAll('_', '').replaceAll('-', '');

function acceptsOnlyStrings(node: SchemaNode | undefined): boolean {
  if (!node) return false;
  const branches = node.anyOf ?? node.oneOf;
  if (branches) return branches.every(acceptsOnlyStrings);
  return node.type === 'string';
}

/** YAML for anything that is not a plain string setting; a value YAML cannot read stays text. */
function readValue(raw: string): unknown {
  try {
    return parse(raw) ?? raw;
  } catch {
    return raw;
  }
}

function setAt(document: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  let container: Record<string | number, unknown> = document;
  path.forEach((key, index) => {
    if (index === path.length - 1) {
      container[key] = value;
      return;
    }
    const next = container[key];
    const nextIsList = typeof path[index + 1] === 'number';
    if (typeof next !== 'object' || next === null || Array.isArray(next) !== nextIsList)
      container[key] = nextIsList ? [] : {};
    container = container[key] as Record<string | number, unknown>;
  });
}
