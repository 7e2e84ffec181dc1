import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../schemas/types.js';
import { testEvent } from '../../../test/events.js';
import { flag, rdsDatabase } from './rds-request.js';

const event = (raw: JsonValue) => testEvent({ id: 'e', time: 0, action: 'rds:ModifyDBInstance', raw });

describe('RDS request readers', () => {
  it('names the cluster before the instance, then a resource ARN, from the request or the response', () => {
    expect(
      rdsDatabase(event({ requestParameters: { dBClusterIdentifier: 'c', dBInstanceIdentifier: 'i' } }))
        .label,
    ).toBe('RDS cluster c');
    expect(rdsDatabase(event({ responseElements: { dBInstanceIdentifier: 'i' } }))).toEqual({
      label: 'RDS instance i',
      resource: { type: 'AWS::RDS::DBInstance', id: 'i', account: '111122223333' },
    });
    const arn = 'arn:aws:rds:us-east-1:111122223333:cluster:production-aurora';
    expect(rdsDatabase(event({ requestParameters: { resourceArn: arn } })).resource).toEqual({
      type: 'AWS::RDS::DBCluster',
      id: arn,
      account: '111122223333',
    });
    expect(rdsDatabase(event({ requestParameters: null })).label).toBe('an RDS database');
  });

  it('reads booleans and their string forms, nothing else', () => {
    expect([true, 'true', 'True', false, 'false', 'yes', 1, null, undefined].map(flag)).toEqual([
      true,
      true,
      true,
      false,
      false,
      null,
      null,
      null,
      null,
    ]);
  });
});
