import { request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'ec2-image-exported',
  title: 'EC2 image or instance exported to S3',
  description:
    'An AMI was exported as a VM disk image (ExportImage) or stored as an object (CreateStoreImageTask), or an ' +
    'instance was exported (CreateInstanceExportTask), into an S3 bucket. The whole disk becomes a downloadable ' +
    'file: a way to take servers, their data and their secrets out without sharing a snapshot.',
  severity: 'high',
  mitre: ['T1537', 'T1005'],
  tactics: ['exfiltration', 'collection'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/vm-import/latest/userguide/vmexport_image.html',
  remediation:
    'Confirm the export with its owner. If unexpected: cancel it (`aws ec2 cancel-export-task --export-task-id ' +
    '<id>`), delete the exported objects from the bucket, check the bucket policy and who downloaded them (S3 ' +
    'data events), and restrict ec2:ExportImage / ec2:CreateStoreImageTask / ec2:CreateInstanceExportTask with an SCP.',
  actions: ['ec2:ExportImage', 'ec2:CreateStoreImageTask', 'ec2:CreateInstanceExportTask'],
  match: (event) => {
    const source = text(request(event, 'imageId')) ?? text(request(event, 'instanceId')) ?? 'unknown';
    const bucket =
      text(request(event, 's3ExportLocation', 's3Bucket')) ??
      text(request(event, 'bucket')) ??
      text(request(event, 'exportToS3Task', 's3Bucket')) ??
      text(request(event, 'exportToS3', 's3Bucket')) ??
      'unknown';
    const kind = source.startsWith('i-') ? 'instance' : 'AMI';
    const who = actor(event);
    return {
      key: `${event.account}:${source}:${bucket}`,
      title: `EC2 ${kind} ${source} exported to s3://${bucket} by ${who}`,
      description: `${who} called ${event.action.slice(4)} to write ${kind} ${source} as a disk image to s3://${bucket}.`,
      resources: [
        {
          type: kind === 'AMI' ? 'AWS::EC2::Image' : 'AWS::EC2::Instance',
          id: source,
          account: event.account,
        },
        { type: 'AWS::S3::Bucket', id: `arn:aws:s3:::${bucket}`, account: null },
      ],
      context: { bucket },
    };
  },
});
