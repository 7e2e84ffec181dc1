import { describe, expect, it } from 'vitest';
import { testEvent } from '../../../test/events.js';
import { atAnyCase, requestAnyCase } from './any-case.js';

describe('request parameters in either casing', () => {
  it('reads PascalCase and camelCase paths', () => {
    const pascal = testEvent({
      id: 'a',
      time: 0,
      raw: { requestParameters: { Workflow: { Status: 'SUPPRESSED' } } },
    });
    const camel = testEvent({
      id: 'b',
      time: 0,
      raw: { requestParameters: { workflow: { status: 'RESOLVED' } } },
    });
    expect(requestAnyCase(pascal, 'Workflow', 'Status')).toBe('SUPPRESSED');
    expect(requestAnyCase(pascal, 'workflow', 'status')).toBe('SUPPRESSED');
    expect(requestAnyCase(camel, 'Workflow', 'Status')).toBe('RESOLVED');
    expect(requestAnyCase(camel, 'Note')).toBeUndefined();
    expect(atAnyCase({ AccountIds: ['1'] }, 'accountIds')).toEqual(['1']);
    expect(atAnyCase(null, 'x')).toBeUndefined();
  });
});
