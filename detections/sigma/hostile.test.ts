import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../schemas/types.js';
import { readDocuments } from './document.js';
import { eventView } from './event-view.js';
import {
  catastrophicRegexRule,
  longListRule,
  nestedConditionAnswer,
  nestedConditionRule,
} from './hostile-rules.js';
import { compileSigmaSources } from './load.js';
import { compileRule } from './rule.js';

function compile(text: string) {
  const [document] = readDocuments(text, 'hostile.yml', null);
  if (!document || !('body' in document)) throw new Error('did not parse');
  return compileRule(document.body, document.origin, {});
}

/** The rule compiled once; the returned function evaluates it on a record. */
const ruleOver = (text: string) => {
  const rule = compile(text);
  return (record: JsonValue) => rule.predicate(eventView(record));
};
const holds = (text: string, record: JsonValue) => ruleOver(text)(record);

describe('hostile Sigma rules compile and run in bounded time, with the right answer', () => {
  it('a catastrophic regular expression runs in linear time (re2js) on a long input', () => {
    const rule = ruleOver(catastrophicRegexRule());
    expect(rule({ userAgent: `${'a'.repeat(100_000)}!` })).toBe(false);
    expect(rule({ userAgent: 'x'.repeat(100_000) })).toBe(false);
    expect(rule({ userAgent: `!${'a'.repeat(100_000)}` })).toBe(true);
    expect(rule({ userAgent: `${'x'.repeat(50_000)}y` })).toBe(true);
  });

  it('a 10,000-value list is one Set lookup for equality, and still exact for contains', () => {
    const compiled = compile(longListRule(10_000));
    const rule = (record: JsonValue) => compiled.predicate(eventView(record));
    expect(rule({ eventName: 'Call9999' })).toBe(true);
    expect(rule({ eventName: 'call0' })).toBe(true);
    expect(rule({ eventName: 'Call10000' })).toBe(false);
    expect(rule({ eventName: 'x', userAgent: 'tool agent-7777/1.0' })).toBe(true);
    expect(rule({ eventName: 'x', userAgent: 'tool agent-10000/1.0' })).toBe(false);
    expect(compiled.routes).toEqual([{ source: 'cloudtrail', actions: '*' }]);
  });

  it('a condition nested 1,000 deep compiles and gives the answer the nesting says', () => {
    const rule = ruleOver(nestedConditionRule(1_000));
    for (const present of [new Set([0, 999]), new Set([0, 1]), new Set([1, 2, 3]), new Set([0, 2, 4, 998])]) {
      const agent = [...present].map((n) => `N${n};`).join(' ');
      expect(rule({ userAgent: agent }), agent).toBe(nestedConditionAnswer(1_000, present));
    }
  });

  it('parentheses 100,000 deep parse without recursion; deeper trees than 2,000 are refused, not a stack overflow', () => {
    const wrapped = `${'('.repeat(100_000)}s0${')'.repeat(100_000)}`;
    const rule = `title: t\nid: p\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  s0: {eventName: X}\n  condition: '${wrapped}'\n`;
    expect(holds(rule, { eventName: 'x' })).toBe(true);
    const negations = `title: t\nid: n\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  s0: {eventName: X}\n  condition: '${'not '.repeat(10_001)}s0'\n`;
    expect(holds(negations, { eventName: 'x' })).toBe(false);
    let deep = 's0';
    for (let level = 0; level < 2_999; level += 1)
      deep = `s${level % 2} ${level % 2 ? 'or' : 'and'} (${deep})`;
    const tooDeep = `title: t\nid: d\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  s0: {eventName: X}\n  s1: {eventName: Y}\n  condition: '${deep}'\n`;
    const { reports } = compileSigmaSources([{ file: 'deep.yml', text: tooDeep }]);
    expect(reports[0]?.error?.reason).toBe('too_complex');
    expect(reports[0]?.error?.message).toBe('detection.condition: nested 3000 levels deep (at most 2000)');
  });

  it('deeply nested YAML values and alias bombs are reported, not fatal', () => {
    const nested = `title: t\nid: y\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  s0:\n    eventName: ${'['.repeat(1_000)}x${']'.repeat(1_000)}\n  condition: s0\n`;
    const bomb = [
      'title: t',
      'id: b',
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
    ].join('\n');
    const listed = nested
      .replaceAll('['.repeat(1_000), '['.repeat(50))
      .replaceAll(']'.repeat(1_000), ']'.repeat(50));
    const { reports } = compileSigmaSources([
      { file: 'nested.yml', text: nested },
      { file: 'listed.yml', text: listed },
      { file: 'bomb.yml', text: bomb },
    ]);
    expect(reports.map((r) => r.error?.reason)).toEqual(['too_complex', 'invalid_value', 'yaml_invalid']);
    expect(reports[2]?.error?.message).toContain('alias');
  });
});
