import { describe, expect, it } from 'vitest';
import { testEvent } from '../../../../test/events.js';
import { launchedInstances } from './launched-instances.js';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);

describe('launchedInstances', () => {
  it('lists the instances in the response, with their own type', () => {
    const event = testEvent({
      id: 'e1',
      time: T0,
      raw: {
        requestParameters: { instanceType: 'c5.9xlarge', instancesSet: { items: [{ maxCount: 5 }] } },
        responseElements: {
          instancesSet: {
            items: [
              { instanceId: 'i-01', instanceType: 'c5.9xlarge' },
              { instanceId: 'i-02', instanceType: 'c5.9xlarge' },
            ],
          },
        },
      },
    });
    expect(launchedInstances(event).map(({ event: _, ...launch }) => launch)).toEqual([
      { id: 'e1#0', time: T0, instanceId: 'i-01', instanceType: 'c5.9xlarge' },
      { id: 'e1#1', time: T0, instanceId: 'i-02', instanceType: 'c5.9xlarge' },
    ]);
  });

  it('falls back to maxCount per requested item when there is no response', () => {
    const event = testEvent({
      id: 'e2',
      time: T0,
      raw: {
        requestParameters: {
          instanceType: 'p4d.24xlarge',
          instancesSet: { items: [{ maxCount: 2 }, { maxCount: '1' }] },
        },
        responseElements: null,
      },
    });
    expect(
      launchedInstances(event).map((launch) => [launch.id, launch.instanceId, launch.instanceType]),
    ).toEqual([
      ['e2#0', null, 'p4d.24xlarge'],
      ['e2#1', null, 'p4d.24xlarge'],
      ['e2#2', null, 'p4d.24xlarge'],
    ]);
  });

  it('returns nothing for records without instance sets', () => {
    expect(launchedInstances(testEvent({ id: 'e3', time: T0, raw: 'not a record' }))).toEqual([]);
    expect(
      launchedInstances(testEvent({ id: 'e4', time: T0, raw: { requestParameters: { instancesSet: 7 } } })),
    ).toEqual([]);
  });
});
