import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../schemas/types.js';
import { testEvent } from '../../../test/events.js';
import { bucketOwners, copySource, targetObject } from './s3-request.js';

const event = (raw: JsonValue) => testEvent({ id: 'e', time: 0, action: 's3:CopyObject', raw });

describe('S3 request readers', () => {
  it('reads the copy source in its plain, slashed, encoded and versioned forms', () => {
    for (const source of [
      'data/a b/c.txt',
      '/data/a b/c.txt',
      'data%2Fa%20b%2Fc.txt',
      'data/a b/c.txt?versionId=3',
    ]) {
      expect(copySource(event({ requestParameters: { 'x-amz-copy-source': source } }))).toEqual({
        bucket: 'data',
        key: 'a b/c.txt',
      });
    }
  });

  it('gives null for a missing, bucket-only or malformed copy source', () => {
    for (const source of [undefined, 'data', 'data/', '/', '%E0%A4%A', 7]) {
      const raw = source === undefined ? {} : { requestParameters: { 'x-amz-copy-source': source } };
      expect(copySource(event(raw as JsonValue))).toBeNull();
    }
  });

  it('reads the target object and the bucket owners of `resources`, in either ARN casing', () => {
    const raw: JsonValue = {
      requestParameters: { bucketName: 'dest', key: 'k' },
      resources: [
        { type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::dest/k' },
        { type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::dest', accountId: '999988887777' },
        { type: 'AWS::S3::Bucket', arn: 'arn:aws:s3:::src', accountId: '111122223333' },
        { type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::no-owner' },
        { type: 'AWS::S3::Bucket', ARNPrefix: 'arn:aws:s3:::prefix/', accountId: '1' },
      ],
    };
    expect(targetObject(event(raw))).toEqual({ bucket: 'dest', key: 'k' });
    expect([...bucketOwners(event(raw))]).toEqual([
      ['dest', '999988887777'],
      ['src', '111122223333'],
    ]);
    expect(targetObject(event({ requestParameters: { bucketName: 'dest' } }))).toBeNull();
    expect(bucketOwners(event({ resources: 'none' })).size).toBe(0);
  });
});
