import type { JsonValue, SecurityEvent } from '../../../../schemas/types.js';
import type { ExposedResource } from '../exposure.js';
import { exposureMatch } from '../exposure.js';
import { policyExposure } from '../policy-exposure.js';
import { at, request, response, text } from '../record.js';
import { cloudTrailRule } from '../rule.js';

/** Where each call carries its resource policy, and what the policy is attached to. */
interface PolicyCall {
  document: (event: SecurityEvent) => JsonValue | undefined;
  resource: (event: SecurityEvent) => Omit<ExposedResource, 'through'>;
}

const name = (event: SecurityEvent, ...keys: string[]) =>
  keys.map((key) => text(request(event, key))).find((value) => value !== null) ?? 'unknown';

const POLICY_CALLS: Record<string, PolicyCall> = {
  's3:PutBucketPolicy': {
    document: (event) => request(event, 'bucketPolicy') ?? request(event, 'policy'),
    resource: (event) => {
      const bucket = name(event, 'bucketName');
      return { label: `S3 bucket ${bucket}`, type: 'AWS::S3::Bucket', id: `arn:aws:s3:::${bucket}` };
    },
  },
  'ecr:SetRepositoryPolicy': {
    document: (event) => request(event, 'policyText'),
    resource: (event) => repository(name(event, 'repositoryName')),
  },
  'sns:SetTopicAttributes': {
    document: (event) =>
      text(request(event, 'attributeName')) === 'Policy' ? request(event, 'attributeValue') : undefined,
    resource: (event) => topic(name(event, 'topicArn')),
  },
  'sns:CreateTopic': {
    document: (event) => request(event, 'attributes', 'Policy'),
    resource: (event) => topic(text(response(event, 'topicArn')) ?? name(event, 'name')),
  },
  'sqs:SetQueueAttributes': {
    document: (event) => request(event, 'attributes', 'Policy'),
    resource: (event) => queue(name(event, 'queueUrl')),
  },
  'sqs:CreateQueue': {
    document: (event) => request(event, 'attributes', 'Policy'),
    resource: (event) => queue(text(response(event, 'queueUrl')) ?? name(event, 'queueName')),
  },
  'secretsmanager:PutResourcePolicy': {
    document: (event) => request(event, 'resourcePolicy'),
    resource: (event) => {
      const secret = name(event, 'secretId');
      return { label: `Secrets Manager secret ${secret}`, type: 'AWS::SecretsManager::Secret', id: secret };
    },
  },
  'kms:PutKeyPolicy': {
    document: (event) => request(event, 'policy'),
    resource: (event) => key(name(event, 'keyId')),
  },
  'kms:CreateKey': {
    document: (event) => request(event, 'policy'),
    resource: (event) => key(text(response(event, 'keyMetadata', 'arn')) ?? 'new key'),
  },
  'glacier:SetVaultAccessPolicy': {
    // Glacier nests the document: { policy: { policy: "<json>" } }.
    document: (event) => at(request(event, 'policy'), 'policy') ?? request(event, 'policy'),
    resource: (event) => {
      const vault = name(event, 'vaultName');
      return { label: `Glacier vault ${vault}`, type: 'AWS::Glacier::Vault', id: vault };
    },
  },
  'backup:PutBackupVaultAccessPolicy': {
    document: (event) => request(event, 'policy'),
    resource: (event) => {
      const vault = name(event, 'backupVaultName');
      return { label: `Backup vault ${vault}`, type: 'AWS::Backup::BackupVault', id: vault };
    },
  },
  'elasticfilesystem:PutFileSystemPolicy': {
    document: (event) => request(event, 'policy'),
    resource: (event) => {
      const fileSystem = name(event, 'fileSystemId');
      return { label: `EFS file system ${fileSystem}`, type: 'AWS::EFS::FileSystem', id: fileSystem };
    },
  },
  'glue:PutResourcePolicy': {
    document: (event) => request(event, 'policyInJson'),
    resource: (event) => {
      const catalog = name(event, 'resourceArn');
      return { label: `Glue Data Catalog ${catalog}`, type: 'AWS::Glue::DataCatalog', id: catalog };
    },
  },
  ...Object.fromEntries(
    [
      'es:CreateElasticsearchDomain',
      'es:UpdateElasticsearchDomainConfig',
      'es:CreateDomain',
      'es:UpdateDomainConfig',
    ].map((action): [string, PolicyCall] => [
      action,
      {
        document: (event) => request(event, 'accessPolicies'),
        resource: (event) => {
          const domain = name(event, 'domainName');
          return { label: `OpenSearch domain ${domain}`, type: 'AWS::OpenSearchService::Domain', id: domain };
        },
      },
    ]),
  ),
};

export const detection = cloudTrailRule({
  id: 'resource-policy-opened',
  title: 'Resource policy opened to the public or another account',
  description:
    'A resource policy — S3 bucket, KMS key, SQS queue, SNS topic, Secrets Manager secret, ECR repository, ' +
    'Glacier or Backup vault, EFS file system, Glue catalog, OpenSearch domain — now allows everyone (`*` or ' +
    'NotPrincipal without a condition that narrows it to an organization, network, identities or accounts) or ' +
    'principals of another AWS account. This is how attackers backdoor data stores for later exfiltration ' +
    'while leaving IAM untouched. Accounts listed in `trustedAccounts` are not reported.',
  severity: 'high',
  mitre: ['T1537', 'T1098'],
  tactics: ['exfiltration', 'persistence'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.CloudTrail.ResourceMadePublic'] },
  stratus: ['aws.exfiltration.s3-backdoor-bucket-policy'],
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html',
  remediation:
    'Restore the previous policy from IaC, or remove the statement that grants `*` or the outside account: ' +
    'S3 `aws s3api put-bucket-policy` / `delete-bucket-policy --bucket <bucket>` (console: bucket → Permissions ' +
    '→ Bucket policy), KMS `aws kms put-key-policy --key-id <key> --policy-name default --policy file://policy.json`, ' +
    'SQS `aws sqs set-queue-attributes`, SNS `aws sns set-topic-attributes --attribute-name Policy`, Secrets ' +
    'Manager `aws secretsmanager delete-resource-policy --secret-id <id>`, ECR `aws ecr delete-repository-policy`. ' +
    'Keep S3 Block Public Access on, review IAM Access Analyzer findings, and check the data-access logs for ' +
    'reads by the outside principal.',
  settings: (read) => ({ trusted: read.accountIds('trustedAccounts', []) }),
  actions: Object.keys(POLICY_CALLS),
  match: (event, { trusted }) => {
    const call = POLICY_CALLS[event.action];
    if (call === undefined) return null;
    const resource = { ...call.resource(event), through: 'resource policy' };
    return exposureMatch(event, resource, policyExposure(call.document(event), event.account, trusted));
  },
});

function repository(repositoryName: string): Omit<ExposedResource, 'through'> {
  return { label: `ECR repository ${repositoryName}`, type: 'AWS::ECR::Repository', id: repositoryName };
}

function topic(arn: string): Omit<ExposedResource, 'through'> {
  return { label: `SNS topic ${arn.split(':').at(-1)}`, type: 'AWS::SNS::Topic', id: arn };
}

function queue(url: string): Omit<ExposedResource, 'through'> {
  return { label: `SQS queue ${url.split('/').at(-1)}`, type: 'AWS::SQS::Queue', id: url };
}

function key(keyId: string): Omit<ExposedResource, 'through'> {
  return { label: `KMS key ${keyId.split('/').at(-1)}`, type: 'AWS::KMS::Key', id: keyId };
}
