import { basename } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Severity } from '../../schemas/types.js';
import { isMap } from './detection-section.js';
import { SigmaRuleError } from './errors.js';
import { severityOf } from './metadata.js';

/** Where a Sigma document comes from: its file, its position in a multi-document file (from 1), its license. */
export interface SigmaOrigin {
  file: string;
  document: number;
  /** The license of the file's rule set (a LICENSE file beside it), used when the rule names none. */
  license: string | null;
}

/** A YAML document of a rule file, parsed, or the error that stopped it. */
export type SigmaDocument =
  | { origin: SigmaOrigin; body: Record<string, unknown> }
  | { origin: SigmaOrigin; error: SigmaRuleError };

/** What every Sigma document (rule or correlation) says about itself. */
export interface SigmaMetadata {
  /** The rule's `id` (its `name`, else file#document, when it has none). */
  id: string;
  name: string | null;
  title: string;
  status: string | null;
  description: string;
  author: string | null;
  license: string | null;
  references: string[];
  falsepositives: string[];
  severity: Severity;
  tags: string[];
  /** Fields the rule's author wants shown with a match. */
  fields: string[];
}

/**
 * Splits a rule file into its YAML documents (a correlation and its rules may share one file). YAML
 * aliases are capped, so a "billion laughs" file fails instead of exhausting memory.
 *
 *   readDocuments(text, 'rules/x.yml', null)
 */
export function readDocuments(text: string, file: string, license: string | null): SigmaDocument[] {
  let documents: ReturnType<typeof parseAllDocuments>;
  try {
    documents = parseAllDocuments(text, { uniqueKeys: true });
  } catch (error) {
    return [{ origin: { file, document: 1, license }, error: yamlError(error) }];
  }
  const list = Array.isArray(documents) ? documents : [];
  const parsed: SigmaDocument[] = [];
  list.forEach((document, index) => {
    const origin = { file, document: index + 1, license };
    const problem = document.errors[0];
    if (problem) {
      const at = problem.linePos?.[0];
      const where = at ? `line ${at.line}, column ${at.col}` : 'yaml';
      const tooDeep = problem.message.includes('call stack');
      const detail = tooDeep
        ? 'nested too deeply to parse'
        : (problem.message.split('\n')[0] ?? 'invalid YAML');
      parsed.push({
        origin,
        error: new SigmaRuleError(tooDeep ? 'too_complex' : 'yaml_invalid', where, detail),
      });
      return;
    }
    let body: unknown;
    try {
      body = document.toJS({ maxAliasCount: 100 });
    } catch (error) {
      parsed.push({ origin, error: yamlError(error) });
      return;
    }
    if (body === null || body === undefined) return;
    if (!isMap(body)) {
      parsed.push({
        origin,
        error: new SigmaRuleError('not_a_rule', 'document', 'a Sigma document is a map'),
      });
      return;
    }
    parsed.push({ origin, body });
  });
  return parsed;
}

function yamlError(error: unknown): SigmaRuleError {
  const message = error instanceof Error ? error.message : String(error);
  const reason = error instanceof RangeError ? 'too_complex' : 'yaml_invalid';
  return new SigmaRuleError(reason, 'yaml', message.split('\n')[0] ?? message);
}

/** The metadata of a rule or correlation document; `title` is required, the rest optional. */
export function metadataOf(body: Record<string, unknown>, origin: SigmaOrigin): SigmaMetadata {
  const title = body.title;
  if (typeof title !== 'string' || title.trim() === '')
    throw new SigmaRuleError('missing_field', 'title', 'a title is required');
  const name = optionalString(body, 'name');
  const id =
    optionalString(body, 'id') ??
    name ??
    `${basename(origin.file).replace(/\.ya?ml$/i, '')}-${origin.document}`;
  const status = optionalString(body, 'status');
  if (status?.toLowerCase() === 'unsupported')
    throw new SigmaRuleError(
      'status_unsupported',
      'status',
      "the rule's status is 'unsupported': its author says it cannot be used as is",
    );
  return {
    id: id.trim(),
    name,
    title: title.trim(),
    status,
    description: optionalString(body, 'description')?.trim() ?? '',
    author: optionalString(body, 'author'),
    license: optionalString(body, 'license'),
    references: strings(body, 'references'),
    falsepositives: strings(body, 'falsepositives'),
    severity: severityOf(body.level),
    tags: strings(body, 'tags'),
    fields: strings(body, 'fields'),
  };
}

function optionalString(body: Record<string, unknown>, key: string): string | null {
  const value = body[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' && typeof value !== 'number')
    throw new SigmaRuleError('invalid_field', key, 'expected a string');
  return String(value);
}

function strings(body: Record<string, unknown>, key: string): string[] {
  const value = body[key];
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((item) => typeof item === 'string' || typeof item === 'number'))
    throw new SigmaRuleError('invalid_field', key, 'expected a list of strings');
  return list.map(String);
}
