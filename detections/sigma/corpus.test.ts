import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeRecord } from '../../processor/decode/index.js';
import { Pipeline } from '../../processor/pipeline/pipeline.js';
import { Router } from '../../processor/pipeline/router.js';
import { WatermarkClock } from '../../processor/pipeline/watermarks.js';
import { StateCache } from '../../processor/state/index.js';
import type { Finding, JsonObject, SecurityEvent } from '../../schemas/types.js';
import { readDocuments } from './document.js';
import { loadSigmaRules } from './load.js';
import { type CompiledRule, compileRule } from './rule.js';
import type { SigmaDetection } from './sigma-detection.js';
import { matchingRecord, nearMisses } from './witness.js';

const corpus = fileURLToPath(new URL('../../test/corpus/sigma', import.meta.url));
const files = readdirSync(corpus)
  .filter((file) => file.endsWith('.yml'))
  .sort();

/** A CloudTrail record the rules' conditions are written over, before a rule sets what it needs. */
function baseRecord(minute: number): JsonObject {
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLEPRINCIPAL',
      arn: 'arn:aws:iam::111122223333:user/sigma-test',
      accountId: '111122223333',
      accessKeyId: 'AKIAEXAMPLEKEY',
      userName: 'sigma-test',
    },
    eventTime: new Date(Date.UTC(2026, 2, 4, 10, minute)).toISOString(),
    eventSource: 'sts.amazonaws.com',
    eventName: 'GetCallerIdentity',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.10',
    userAgent: 'aws-cli/2.15.0',
    requestParameters: null,
    responseElements: null,
    requestID: 'c0ffee00-0000-4000-8000-000000000001',
    eventID: 'c0ffee00-0000-4000-8000-000000000002',
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '111122223333',
    eventCategory: 'Management',
  };
}

interface Case {
  file: string;
  rule: CompiledRule;
  detection: SigmaDetection;
  positive: string | null;
  misses: string[];
}

/**
 * Every rule's matching record and near misses, through one pipeline holding every rule (dedup off, so
 * each match is its own finding), each record decoded as replay decodes it: through the prefilter.
 */
function runCorpus(): { cases: Case[]; findings: Finding[] } {
  const loaded = loadSigmaRules([corpus], { dedupPeriodMs: 0 });
  const router = new Router(
    loaded.detections.map((detection) => ({ routes: detection.routes, target: true })),
  );
  const events: SecurityEvent[] = [];
  const decode = (record: JsonObject, id: string): string | null => {
    const { events: decoded, deadLetters } = decodeRecord(
      Buffer.from(JSON.stringify({ ...record, eventID: id })),
      { input: 'corpus', offset: id },
      { wants: (source, action) => router.wants(source, action) },
    );
    if (deadLetters.length > 0) throw new Error(`${id}: ${deadLetters[0]?.reason}`);
    events.push(...decoded);
    return decoded[0]?.id ?? null;
  };
  const cases = files.map((file, index): Case => {
    const [document] = readDocuments(readFileSync(`${corpus}/${file}`, 'utf8'), file, 'DRL-1.1');
    if (!document || !('body' in document)) throw new Error(`${file} did not parse`);
    const rule = compileRule(document.body, document.origin, {});
    const detection = loaded.detections.find((d) => d.sigma.ruleId === rule.meta.id) as SigmaDetection;
    const record = matchingRecord(rule, baseRecord(index));
    if (!record) return { file, rule, detection, positive: null, misses: [] };
    const misses = nearMisses(rule, record).map(
      (miss, n) => decode(miss, `${file}:miss-${n}`) ?? `${file}:miss-${n}`,
    );
    return { file, rule, detection, positive: decode(record, `${file}:match`), misses };
  });
  const clock = new WatermarkClock(5 * 60_000);
  const state = new StateCache({
    maxEntries: 1_000,
    maxBytes: 1 << 20,
    ttlMs: 86_400_000,
    now: () => clock.latest,
  });
  const findings: Finding[] = [];
  const pipeline = new Pipeline({
    detections: loaded.detections,
    clock,
    state,
    onFinding: (f) => findings.push(f),
  });
  pipeline.open('corpus');
  for (const event of events.sort((a, b) => a.time - b.time)) pipeline.push('corpus', event);
  pipeline.close('corpus');
  pipeline.finish();
  return { cases, findings };
}

describe('SigmaHQ CloudTrail corpus (test/corpus/sigma, DRL 1.1)', () => {
  const loaded = loadSigmaRules([corpus]);
  const { cases, findings } = runCorpus();

  it('loads every rule, each as its own detection with author and license', () => {
    expect(files.length).toBe(57);
    expect(loaded.reports.filter((report) => report.error).map((report) => report.error?.message)).toEqual(
      [],
    );
    expect(loaded.detections).toHaveLength(files.length);
    for (const detection of loaded.detections) {
      expect(detection.id).toBe(`sigma-${detection.sigma.ruleId}`);
      expect(detection.sigma.license).toBe('DRL-1.1');
      expect(detection.sigma.author).not.toBeNull();
      expect(detection.dedupPeriodMs).toBe(3_600_000);
      expect(detection.mitre.every((id) => /^T\d{4}(\.\d{3})?$/.test(id))).toBe(true);
    }
  });

  describe.each(cases.map((c) => [c.file, c] as const))(
    '%s',
    (_file, { rule, detection, positive, misses }) => {
      const own = (id: string | null) =>
        findings.filter((f) => f.detection === detection.id && id !== null && f.evidence.includes(id));

      it('matches an event built from its own detection, with its metadata in the finding', () => {
        expect(
          positive,
          'the witness builder satisfied the condition, and the prefilter kept it',
        ).not.toBeNull();
        const [finding, ...more] = own(positive);
        expect(more).toEqual([]);
        expect(finding?.title.startsWith(`${rule.meta.title}: `)).toBe(true);
        expect(finding?.severity).toBe(rule.meta.severity);
        expect(finding?.context.sigmaAuthor).toBe(rule.meta.author);
        expect(finding?.context.sigmaLicense).toBe('DRL-1.1');
        expect(finding?.runbook).toBe(rule.meta.references[0]);
      });

      it('does not match its near misses (one necessary part broken at a time)', () => {
        expect(misses.length).toBeGreaterThan(0);
        for (const miss of misses) expect(own(miss), miss).toEqual([]);
      });
    },
  );
});
