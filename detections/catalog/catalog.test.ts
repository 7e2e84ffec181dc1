import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogMarkdown } from '../../processor/cli/catalog-listing.js';
import { readFixtures, runFixtureFile } from '../../processor/pipeline/fixtures.js';
import { TACTICS } from '../api.js';
import { catalog } from './index.js';

describe('detection catalog', () => {
  it('has unique ids and complete metadata', () => {
    const ids = catalog.map((entry) => entry.detection.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { detection } of catalog) {
      expect(detection.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(detection.routes.length).toBeGreaterThan(0);
      expect(detection.runbook).toMatch(/^https:\/\//);
      expect(detection.remediation.length).toBeGreaterThan(40);
      expect(detection.mitre.length).toBeGreaterThan(0);
      expect(detection.mitre.every((id) => /^T\d{4}(\.\d{3})?$/.test(id))).toBe(true);
      expect(detection.tactics?.length, `${detection.id} tactics`).toBeGreaterThan(0);
      expect(detection.tactics?.every((tactic) => TACTICS.includes(tactic))).toBe(true);
      const readsCloudTrail = detection.routes.some((route) => route.source === 'cloudtrail');
      expect(detection.failedCalls !== undefined, `${detection.id} failedCalls`).toBe(readsCloudTrail);
    }
  });

  it('is documented in docs/detections.md, generated from the metadata (`shardwatch list --markdown`)', () => {
    const documented = readFileSync(new URL('../../docs/detections.md', import.meta.url), 'utf8');
    expect(documented).toBe(`${catalogMarkdown(catalog.map((entry) => entry.detection))}\n`);
  });

  describe.each(catalog.map((entry) => [entry.detection.id, entry] as const))('%s', (_id, entry) => {
    it('has positive and negative fixtures, and all pass', async () => {
      const fixtures = await readFixtures(entry.fixtures);
      expect(fixtures.cases.some((c) => c.expect.length > 0)).toBe(true);
      expect(fixtures.cases.some((c) => c.expect.length === 0)).toBe(true);
      const report = runFixtureFile(entry.detection, fixtures);
      const problems = report.cases.flatMap((c) => c.problems.map((p) => `${c.name}: ${p}`));
      expect(problems).toEqual([]);
    });
  });
});
