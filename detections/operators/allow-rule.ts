import { BlockList, isIP } from 'node:net';
import type { SecurityEvent } from '../../schemas/types.js';

/**
 * An allow-list entry: events matching every condition present are not seen by the detections it names
 * (`detections`, applied by the pipeline; all detections when absent).
 */
export interface AllowRule {
  reason: string;
  detections?: string[];
  /** Exact account ids. */
  accounts?: string[];
  /** Globs (`*` = any characters, case-sensitive) against the principal's ARN, session issuer and name. */
  principals?: string[];
  /** IPv4/IPv6 CIDRs (or single addresses) containing the event's source address. */
  cidrs?: string[];
  /** Tags every instance the event is about must carry (as the state cache knows them). */
  tags?: Record<string, string>;
  /** ISO 8601 with a zone (or a date, UTC); the rule applies only to events before it. */
  expires?: string;
}

/** A rule that cannot be applied; `path` points into the config, e.g. `allowList[2].cidrs[0]`. */
export class InvalidAllowRuleError extends Error {
  override readonly name = 'InvalidAllowRuleError';

  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`${path}: ${detail}`);
  }
}

/** A validated rule, ready to test events against. */
export interface CompiledAllowRule {
  rule: AllowRule;
  matches(event: SecurityEvent, tagsOf: (event: SecurityEvent) => Record<string, string>): boolean;
}

/** Zoned ISO 8601, so an expiry means the same instant on every host. */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * Validates a rule (throws InvalidAllowRuleError) and compiles its conditions.
 *
 *   const rule = compileAllowRule({ reason: 'CI', principals: ['arn:aws:iam::*:role/ci-*'] }, 'allowList[0]');
 *   rule.matches(event, () => ({}));
 */
export function compileAllowRule(rule: AllowRule, path: string): CompiledAllowRule {
  const checks: ((
    event: SecurityEvent,
    tagsOf: (event: SecurityEvent) => Record<string, string>,
  ) => boolean)[] = [];
  if (rule.accounts !== undefined) {
    const accounts = new Set(nonEmptyStrings(rule.accounts, `${path}.accounts`));
    checks.push((event) => event.account !== null && accounts.has(event.account));
  }
  if (rule.principals !== undefined) {
    const globs = nonEmptyStrings(rule.principals, `${path}.principals`).map(globPattern);
    checks.push((event) => {
      const p = event.principal;
      const names = [p?.arn, p?.sessionIssuer, p?.name].filter(
        (name): name is string => typeof name === 'string',
      );
      return names.some((name) => globs.some((glob) => glob.test(name)));
    });
  }
  if (rule.cidrs !== undefined) {
    const blocks = cidrBlocks(nonEmptyStrings(rule.cidrs, `${path}.cidrs`), `${path}.cidrs`);
    checks.push((event) =>
      [event.srcIp, event.flow?.srcAddr].some((ip) => ip != null && contains(blocks, ip)),
    );
  }
  if (rule.tags !== undefined) {
    const tags = Object.entries(rule.tags);
    if (tags.length === 0) throw new InvalidAllowRuleError(`${path}.tags`, 'expected at least one tag');
    checks.push((event, tagsOf) => {
      const actual = tagsOf(event);
      return tags.every(([key, value]) => actual[key] === value);
    });
  }
  if (checks.length === 0 && rule.detections === undefined) {
    throw new InvalidAllowRuleError(
      path,
      'a rule needs a condition (accounts, principals, cidrs, tags) or detections',
    );
  }
  if (rule.expires !== undefined) {
    const expires = expiry(rule.expires, `${path}.expires`);
    checks.push((event) => event.time < expires);
  }
  return { rule, matches: (event, tagsOf) => checks.every((check) => check(event, tagsOf)) };
}

function nonEmptyStrings(values: readonly string[], path: string): readonly string[] {
  if (!Array.isArray(values) || values.length === 0)
    throw new InvalidAllowRuleError(path, 'expected a non-empty list');
  values.forEach((value, index) => {
    if (typeof value !== 'string' || value === '')
      throw new InvalidAllowRuleError(`${path}[${index}]`, 'expected a non-empty string');
  });
  return values;
}

function globPattern(glob: string): RegExp {
  const escaped = glob.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`, 's');
}

function cidrBlocks(cidrs: readonly string[], path: string): BlockList {
  const blocks = new BlockList();
  cidrs.forEach((cidr, index) => {
    const [address = '', prefix, ...rest] = cidr.split('/');
    const family = isIP(address);
    const bits = family === 6 ? 128 : 32;
    const length = prefix === undefined ? bits : /^\d{1,3}$/.test(prefix) ? Number(prefix) : Number.NaN;
    if (family === 0 || rest.length > 0 || !(length >= 0 && length <= bits)) {
      throw new InvalidAllowRuleError(`${path}[${index}]`, `not an IPv4 or IPv6 CIDR: ${cidr}`);
    }
    blocks.addSubnet(address, length, family === 6 ? 'ipv6' : 'ipv4');
  });
  return blocks;
}

function contains(blocks: BlockList, ip: string): boolean {
  const family = isIP(ip);
  return family !== 0 && blocks.check(ip, family === 6 ? 'ipv6' : 'ipv4');
}

function expiry(value: string, path: string): number {
  const time = typeof value === 'string' && ISO_8601.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(time))
    throw new InvalidAllowRuleError(path, `not an ISO 8601 time with a zone: ${value}`);
  return time;
}
