import { describe, expect, it } from 'vitest';
import { testEvent } from '../../../test/events.js';
import { at, cloudTrailRecord, integer, items, request, succeeded, tagRecord, text } from './record.js';

describe('CloudTrail record readers', () => {
  it('read nested values and return undefined for missing or non-object steps', () => {
    const raw = { requestParameters: { groupId: 'sg-1', list: [1] }, responseElements: null };
    expect(at(raw, 'requestParameters', 'groupId')).toBe('sg-1');
    expect(at(raw, 'requestParameters', 'missing')).toBeUndefined();
    expect(at(raw, 'responseElements', 'x')).toBeUndefined();
    expect(at(raw, 'requestParameters', 'list', '0')).toBeUndefined();
    expect(at(raw, 'toString')).toBeUndefined();
  });

  it('unwrap an EventBridge envelope to the CloudTrail record', () => {
    const record = { eventName: 'StopLogging', requestParameters: { name: 'org-trail' } };
    const event = testEvent({
      id: 'e1',
      time: 0,
      raw: { 'detail-type': 'AWS API Call via CloudTrail', detail: record },
    });
    expect(cloudTrailRecord(event)).toBe(record);
    expect(request(event, 'name')).toBe('org-trail');
    expect(cloudTrailRecord(testEvent({ id: 'e2', time: 0, raw: record }))).toBe(record);
  });

  it('normalise text, integers, item lists and tag lists', () => {
    expect([text('22'), text(22), text(''), text(null), text(true)]).toEqual(['22', '22', null, null, null]);
    expect([integer('443'), integer(-1), integer('x'), integer(''), integer(1.5)]).toEqual([
      443,
      -1,
      null,
      null,
      null,
    ]);
    expect(items({ items: [1, 2] })).toEqual([1, 2]);
    expect(items([3])).toEqual([3]);
    expect(items({})).toEqual([]);
    expect(items('items')).toEqual([]);
    expect(tagRecord([{ key: 'owner', value: 'a' }, { key: 'empty' }, { value: 'no key' }])).toEqual({
      owner: 'a',
      empty: '',
    });
  });

  it('keeps a __proto__ tag key as data, not as a prototype', () => {
    const tags = tagRecord(JSON.parse('[{"key":"__proto__","value":"x"}]'));
    expect(Object.keys(tags)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('counts a call as succeeded when it has no error code (the decoder reads an empty one as none)', () => {
    const call = (errorCode: string | null) => testEvent({ id: 'e', time: 0, errorCode });
    expect([null, 'AccessDenied'].map((code) => succeeded(call(code)))).toEqual([true, false]);
  });
});
