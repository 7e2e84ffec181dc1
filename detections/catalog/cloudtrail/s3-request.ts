import type { SecurityEvent } from '../../../schemas/types.js';
import { at, field, items, request, text } from './record.js';

/** An object named by bucket and key. */
export interface S3Object {
  bucket: string;
  key: string;
}

/**
 * The object a CopyObject / UploadPartCopy reads, from `x-amz-copy-source` (`bucket/key`, maybe with a
 * leading slash, URL-encoded, or with `?versionId=`); null when absent or unreadable.
 *
 *   copySource(event) // { bucket: 'victim-data', key: 'reports/q3.pdf' }
 */
export function copySource(event: SecurityEvent): S3Object | null {
  const raw = text(request(event, 'x-amz-copy-source'));
  if (raw === null) return null;
  const path = decodeOnce(raw.split('?')[0] ?? '').replace(/^\/+/, '');
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) return null;
  return { bucket: path.slice(0, slash), key: path.slice(slash + 1) };
}

/** The object a data event writes or deletes: `bucketName` and `key` of the request. */
export function targetObject(event: SecurityEvent): S3Object | null {
  const bucket = text(request(event, 'bucketName'));
  const key = text(request(event, 'key'));
  return bucket === null || key === null ? null : { bucket, key };
}

/**
 * The owner account of each bucket the record's `resources` name (`ARN` or, in some exports, `arn`), as S3
 * data events report it; buckets without an accountId are left out.
 *
 *   bucketOwners(event).get('attacker-exfil') // '999988887777'
 */
export function bucketOwners(event: SecurityEvent): Map<string, string> {
  const owners = new Map<string, string>();
  for (const resource of items(field(event, 'resources'))) {
    if (text(at(resource, 'type')) !== 'AWS::S3::Bucket') continue;
    const arn = text(at(resource, 'ARN')) ?? text(at(resource, 'arn'));
    const account = text(at(resource, 'accountId'));
    if (arn?.startsWith('arn:') && account !== null) owners.set(arn.split(':').slice(5).join(':'), account);
  }
  return owners;
}

function decodeOnce(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
