import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../schemas/types.js';
import { testEvent } from '../../../test/events.js';
import { managementCoverage } from './trail-event-selectors.js';

const coverage = (requestParameters: JsonValue) =>
  managementCoverage(
    testEvent({ id: 'e', time: 0, action: 'cloudtrail:PutEventSelectors', raw: { requestParameters } }),
  );

describe('management events a trail keeps after PutEventSelectors', () => {
  it('keeps all with a default basic selector, or read and write selectors together', () => {
    expect(
      coverage({ trailName: 't', eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true }] }),
    ).toEqual({
      level: 'all',
      dropped: [],
    });
    expect(
      coverage({
        eventSelectors: [
          { readWriteType: 'ReadOnly' },
          { readWriteType: 'WriteOnly', includeManagementEvents: true },
        ],
      }),
    ).toEqual({ level: 'all', dropped: [] });
    expect(
      coverage({
        advancedEventSelectors: [{ fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }] }],
      }),
    ).toEqual({ level: 'all', dropped: [] });
  });

  it('reports none when management events are switched off (Stratus cloudtrail-event-selectors)', () => {
    expect(
      coverage({
        eventSelectors: [
          {
            dataResources: [{ type: 'AWS::S3::Object', values: [] }],
            excludeManagementEventSources: [],
            includeManagementEvents: false,
            readWriteType: 'ReadOnly',
          },
        ],
        trailName: 'stratus-red-team-ctes-trail',
      }),
    ).toEqual({ level: 'none', dropped: ['all management events'] });
    expect(coverage({ eventSelectors: [{ includeManagementEvents: 'false' }] })?.level).toBe('none');
    expect(
      coverage({
        advancedEventSelectors: [
          {
            fieldSelectors: [
              { field: 'eventCategory', equals: ['Data'] },
              { field: 'resources.type', equals: ['AWS::S3::Object'] },
            ],
          },
        ],
      })?.level,
    ).toBe('none');
  });

  it('reports what a partial selector drops', () => {
    expect(coverage({ eventSelectors: [{ readWriteType: 'WriteOnly' }] })).toEqual({
      level: 'some',
      dropped: ['read-only events'],
    });
    expect(coverage({ eventSelectors: [{ excludeManagementEventSources: ['kms.amazonaws.com'] }] })).toEqual({
      level: 'some',
      dropped: ['events from kms.amazonaws.com'],
    });
    expect(
      coverage({
        advancedEventSelectors: [
          {
            fieldSelectors: [
              { Field: 'x' },
              { field: 'eventCategory', equals: ['Management'] },
              { field: 'readOnly', equals: [true] },
              { field: 'eventSource', NotEquals: ['cloudtrail.amazonaws.com'] },
            ],
          },
        ],
      }),
    ).toEqual({ level: 'some', dropped: ['write events', 'events from cloudtrail.amazonaws.com'] });
  });

  it('gives null when the call carries no selectors', () => {
    expect(coverage({ trailName: 't' })).toBeNull();
    expect(coverage(null)).toBeNull();
    expect(coverage({ eventSelectors: 'all' })).toBeNull();
  });
});
