import { hours } from '../../../operators/index.js';
import { succeeded } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';
import { targetObject } from '../s3-request.js';

const SEP = '[-_ .]*';
/**
 * File names ransom notes use, matched on the last path segment: ransom..., how-to-decrypt/restore/recover,
 * restore-files, your-files/data-are..., files-encrypted/deleted/stolen/locked, read-me-to-decrypt,
 * decrypt-instructions. Separators vary (`-`, `_`, `.`, space, none).
 */
const RANSOM_NOTE = new RegExp(
  [
    'ransom',
    `(how|instructions?)${SEP}(to)?${SEP}(decrypt|restore|recover|get${SEP}back)`,
    `(decrypt|recover|restore)${SEP}(your|my|all)?${SEP}files`,
    `your${SEP}(files|data)${SEP}(are|were|is|has|have)`,
    `files${SEP}(are|were|have${SEP}been)?${SEP}(encrypted|deleted|stolen|locked)`,
    `read${SEP}me${SEP}(to${SEP})?(decrypt|restore|recover)`,
    `decrypt${SEP}(instructions?|info|note)`,
  ].join('|'),
  'i',
);

export const detection = cloudTrailRule({
  id: 's3-ransom-note-uploaded',
  title: 'Ransom note uploaded to S3',
  description:
    'An object whose file name reads like a ransom note (FILES-DELETED.txt, HOW_TO_DECRYPT_FILES.txt, ' +
    'RANSOM_NOTE.html, README-TO-RESTORE...) was uploaded with PutObject (an S3 data event). S3 ransomware ' +
    'empties or re-encrypts a bucket, then leaves such a note; a refused upload is reported too, as it shows ' +
    'the same intent.',
  severity: 'high',
  mitre: ['T1486', 'T1485'],
  tactics: ['impact'],
  failedCalls: 'counted',
  dedupPeriodMs: hours(1),
  panther: { rules: ['AWS.S3.RansomwareNoteUpload'] },
  stratus: [
    'aws.impact.s3-ransomware-batch-deletion',
    'aws.impact.s3-ransomware-individual-deletion',
    'aws.impact.s3-ransomware-client-side-encryption',
  ],
  runbook: 'https://aws.amazon.com/blogs/security/anatomy-of-a-ransomware-event-targeting-data-in-amazon-s3/',
  remediation:
    "Treat it as an incident: stop the uploader (deactivate its access keys, revoke its role's sessions), " +
    'list the deletions and overwrites in the bucket from the data events, restore from object versions or AWS ' +
    'Backup (`aws s3api list-object-versions --bucket <bucket>`), and do not pay or contact the sender before ' +
    'your incident response team does. Then turn on S3 Object Lock or AWS Backup vault lock for critical buckets.',
  actions: ['s3:PutObject'],
  match: (event) => {
    const object = targetObject(event);
    const fileName = object?.key.split('/').at(-1) ?? '';
    if (object === null || !RANSOM_NOTE.test(fileName)) return null;
    const who = actor(event);
    return {
      // A refused upload and a stored note are different findings, not one rolled-up count.
      key: `${event.account}:${object.bucket}${succeeded(event) ? '' : ':refused'}`,
      title: `Ransom note ${fileName} uploaded to S3 bucket ${object.bucket} by ${who}`,
      description:
        `${who} uploaded s3://${object.bucket}/${object.key}, named like a ransom note. Check whether the ` +
        "bucket's objects were deleted or re-encrypted just before.",
      resources: [
        {
          type: 'AWS::S3::Object',
          id: `arn:aws:s3:::${object.bucket}/${object.key}`,
          account: event.account,
        },
      ],
      context: { bucket: object.bucket, objectKey: object.key },
    };
  },
});
