import { describe, expect, it } from 'vitest';
import { catalog } from './index.js';
import { pantherCases, readPantherRules } from './panther-conformance.js';

const rules = readPantherRules();
const covering = catalog.filter((entry) => (entry.detection.panther?.rules.length ?? 0) > 0);

describe("Panther's rule tests, replayed through the detections that cover each rule", () => {
  describe.each(covering.map((entry) => [entry.detection.id, entry.detection] as const))(
    '%s',
    (_id, detection) => {
      it("agrees with Panther's expected result, except on the cases its metadata lists with a reason", () => {
        const cases = pantherCases(detection, rules);
        const unexplained = cases
          .filter((c) => c.fired !== c.expected && c.listedDifference === null)
          .map((c) => `${c.rule} / ${c.test}: Panther expects ${c.expected}, fired ${c.fired}`);
        const stale = cases
          .filter((c) => c.fired === c.expected && c.listedDifference !== null)
          .map((c) => `${c.rule} / ${c.test}: listed as a difference but agrees`);
        const unknown = (detection.panther?.differences ?? [])
          .filter((d) => !cases.some((c) => c.rule === d.rule && c.test === d.test))
          .map((d) => `${d.rule} / ${d.test}: listed but no such test`);
        expect([...unexplained, ...stale, ...unknown]).toEqual([]);
      });
    },
  );
});
