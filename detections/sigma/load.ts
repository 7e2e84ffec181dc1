import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { hours } from '../operators/window-spec.js';
import { type ParsedCorrelation, parseCorrelation } from './correlation.js';
import { correlationDetection } from './correlation-detection.js';
import type { CorrelationInput, CorrelationNode } from './correlation-engine.js';
import { readDocuments, type SigmaOrigin } from './document.js';
import { SigmaRuleError } from './errors.js';
import { EventViews } from './event-view.js';
import type { Placeholders } from './modifiers.js';
import { type CompiledRule, compileRule } from './rule.js';
import { ruleDetection, type SigmaDetection, type SigmaInfo, sigmaInfo } from './sigma-detection.js';

export interface SigmaLoadOptions {
  /** Values of `expand` placeholders. */
  placeholders?: Placeholders;
  /** Findings of one (rule, principal, account) within this period fold into one (default 1 h; 0: none). */
  dedupPeriodMs?: number;
  /** Per-detection dedup period, by detection id (`sigma-<rule id>`). */
  dedupPeriodById?: Readonly<Record<string, number>>;
}

/** One document of a rule file: what it is, whether it loaded, and how it runs. */
export interface SigmaRuleReport {
  file: string;
  document: number;
  kind: 'rule' | 'correlation' | null;
  info: SigmaInfo | null;
  /** Its detection id when it runs on its own; null when it only runs inside correlations (or failed). */
  detectionId: string | null;
  /** Detection ids of the correlations it takes part in. */
  usedBy: string[];
  error: SigmaRuleError | null;
}

export interface SigmaRuleSet {
  detections: SigmaDetection[];
  reports: SigmaRuleReport[];
}

export interface SigmaSource {
  file: string;
  text: string;
  /** The rule set's license when the rules name none. */
  license?: string | null;
}

const RULE_FILE = /\.ya?ml$/i;
const DEFAULT_DEDUP_MS = hours(1);

/**
 * Loads Sigma rule files and directories (recursively, `.yml`/`.yaml`), in path order. Every document gets a
 * report; a rule that cannot be compiled is reported with the reason, never dropped silently. Throws only
 * for I/O errors (a path that does not exist).
 *
 *   const { detections, reports } = loadSigmaRules(['rules/sigma'], { dedupPeriodMs: hours(1) });
 */
export function loadSigmaRules(paths: readonly string[], options: SigmaLoadOptions = {}): SigmaRuleSet {
  const licenses = new Map<string, string | null>();
  const sources: SigmaSource[] = [];
  for (const path of paths) {
    const root = statSync(path).isDirectory() ? resolve(path) : dirname(resolve(path));
    for (const file of ruleFiles(path)) {
      sources.push({
        file,
        text: readFileSync(file, 'utf8'),
        license: licenseOf(dirname(resolve(file)), root, licenses),
      });
    }
  }
  return compileSigmaSources(sources, options);
}

function ruleFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && RULE_FILE.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** The license of a rule set: a LICENSE file in the rule's directory or above it, up to the given root. */
function licenseOf(directory: string, root: string, cache: Map<string, string | null>): string | null {
  const cached = cache.get(directory);
  if (cached !== undefined) return cached;
  let license: string | null = null;
  const file = ['LICENSE.md', 'LICENSE', 'LICENSE.txt'].map((name) => join(directory, name)).find(existsSync);
  if (file) license = licenseName(readFileSync(file, 'utf8'));
  else if (directory !== root && directory !== dirname(directory))
    license = licenseOf(dirname(directory), root, cache);
  cache.set(directory, license);
  return license;
}

/** `DRL-1.1` for the Detection Rule License, else the file's first line. */
function licenseName(text: string): string | null {
  const drl = /Detection Rule License \(DRL\)\s*([\d.]+)/.exec(text);
  if (drl) return `DRL-${drl[1]}`;
  const line = text.split('\n').find((l) => l.trim() !== '' && !/^#+\s*Licenses?\s*$/i.test(l.trim()));
  return line ? line.replace(/^#+\s*/, '').trim() : null;
}

type Parsed = { origin: SigmaOrigin; report: SigmaRuleReport } & (
  | { kind: 'rule'; rule: CompiledRule }
  | { kind: 'correlation'; correlation: ParsedCorrelation }
);

/**
 * Compiles Sigma documents given as text (what loadSigmaRules reads from disk): rules, then correlations
 * resolved against every rule and correlation loaded (by id or name), then one detection per rule or
 * correlation that runs on its own. Rules a correlation references run only inside it unless it says
 * `generate: true`.
 */
export function compileSigmaSources(
  sources: readonly SigmaSource[],
  options: SigmaLoadOptions = {},
): SigmaRuleSet {
  const placeholders = options.placeholders ?? {};
  const reports: SigmaRuleReport[] = [];
  const parsed: Parsed[] = [];
  const byId = new Map<string, Parsed>();
  const byReference = new Map<string, Parsed>();
  for (const source of sources) {
    for (const document of readDocuments(source.text, source.file, source.license ?? null)) {
      const report: SigmaRuleReport = {
        file: document.origin.file,
        document: document.origin.document,
        kind: null,
        info: null,
        detectionId: null,
        usedBy: [],
        error: null,
      };
      reports.push(report);
      if ('error' in document) {
        report.error = document.error;
        continue;
      }
      const { body, origin } = document;
      report.kind = body.correlation !== undefined ? 'correlation' : 'rule';
      try {
        let entry: Parsed;
        if (body.correlation !== undefined) {
          const correlation = parseCorrelation(body, origin);
          entry = { kind: 'correlation', correlation, origin, report };
          report.info = sigmaInfo('correlation', correlation.meta, origin);
        } else {
          if (body.filter !== undefined && body.detection === undefined)
            throw new SigmaRuleError(
              'filter_unsupported',
              'filter',
              'Sigma filter documents are not supported: fold the exclusion into the rules',
            );
          const rule = compileRule(body, origin, placeholders);
          entry = { kind: 'rule', rule, origin, report };
          report.info = sigmaInfo('rule', rule.meta, origin);
        }
        const meta = entry.kind === 'rule' ? entry.rule.meta : entry.correlation.meta;
        const taken = byId.get(meta.id);
        if (taken)
          throw new SigmaRuleError(
            'duplicate_id',
            'id',
            `id ${meta.id} is already used by ${describeOrigin(taken)}`,
          );
        byId.set(meta.id, entry);
        byReference.set(meta.id, entry);
        if (meta.name && !byReference.has(meta.name)) byReference.set(meta.name, entry);
        parsed.push(entry);
      } catch (error) {
        if (!(error instanceof SigmaRuleError)) throw error;
        report.error = error;
        report.info = null;
      }
    }
  }

  const nodes = new Map<ParsedCorrelation, CorrelationNode>();
  const resolving = new Set<ParsedCorrelation>();
  const resolveNode = (correlation: ParsedCorrelation): CorrelationNode => {
    const known = nodes.get(correlation);
    if (known) return known;
    if (resolving.has(correlation))
      throw new SigmaRuleError(
        'correlation_invalid',
        'correlation.rules',
        `correlation ${correlation.meta.id} refers to itself through its rules`,
      );
    resolving.add(correlation);
    const inputs = correlation.rules.map((reference, index): CorrelationInput => {
      const target = byReference.get(reference);
      if (!target)
        throw new SigmaRuleError(
          'unknown_rule',
          `correlation.rules[${index}]`,
          `no loaded rule or correlation has the id or name '${reference}'`,
        );
      if (target.report.error)
        throw new SigmaRuleError(
          'unknown_rule',
          `correlation.rules[${index}]`,
          `'${reference}' did not load: ${target.report.error.message}`,
        );
      return target.kind === 'rule'
        ? { kind: 'rule', reference, rule: target.rule }
        : { kind: 'correlation', reference, node: resolveNode(target.correlation) };
    });
    resolving.delete(correlation);
    const node = { correlation, inputs };
    nodes.set(correlation, node);
    return node;
  };

  const generated = new Set<Parsed>();
  for (const entry of parsed) {
    if (entry.kind !== 'correlation') continue;
    // Referenced rules run inside the correlation only, even when it fails to resolve: they were not
    // written to raise findings alone.
    for (const reference of entry.correlation.rules) {
      const target = byReference.get(reference);
      if (!target) continue;
      target.report.usedBy.push(`sigma-${entry.correlation.meta.id}`);
      if (entry.correlation.generate) generated.add(target);
    }
    try {
      resolveNode(entry.correlation);
    } catch (error) {
      if (!(error instanceof SigmaRuleError)) throw error;
      entry.report.error = error;
    }
  }

  const views = new EventViews();
  const detections: SigmaDetection[] = [];
  for (const entry of parsed) {
    if (entry.report.error || (entry.report.usedBy.length > 0 && !generated.has(entry))) continue;
    const id = `sigma-${entry.kind === 'rule' ? entry.rule.meta.id : entry.correlation.meta.id}`;
    const period = options.dedupPeriodById?.[id] ?? options.dedupPeriodMs ?? DEFAULT_DEDUP_MS;
    const settings = { dedupPeriodMs: period > 0 ? period : null, views };
    const detection =
      entry.kind === 'rule'
        ? ruleDetection(entry.rule, settings)
        : correlationDetection(nodes.get(entry.correlation) as CorrelationNode, settings);
    entry.report.detectionId = detection.id;
    detections.push(detection);
  }
  return { detections, reports };
}

function describeOrigin(entry: Parsed): string {
  return `${entry.origin.file}${entry.origin.document > 1 ? `#${entry.origin.document}` : ''}`;
}
