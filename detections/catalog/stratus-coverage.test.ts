import { describe, expect, it } from 'vitest';
import { catalog } from './index.js';

/**
 * Every technique of Stratus Red Team's public catalog for AWS (and the EKS one the catalog covers through
 * CloudTrail), as listed by `stratus list`: each must be declared by at least one detection's `stratus`.
 */
const STRATUS_TECHNIQUES: readonly string[] = [
  'aws.collection.ec2-console-screenshots',
  'aws.credential-access.ec2-get-password-data',
  'aws.credential-access.ec2-steal-instance-credentials',
  'aws.credential-access.secretsmanager-batch-retrieve-secrets',
  'aws.credential-access.secretsmanager-retrieve-secrets',
  'aws.credential-access.ssm-retrieve-securestring-parameters',
  'aws.defense-evasion.bedrock-guardrail-delete',
  'aws.defense-evasion.bedrock-model-invocation-logging-delete',
  'aws.defense-evasion.cloudtrail-delete',
  'aws.defense-evasion.cloudtrail-event-selectors',
  'aws.defense-evasion.cloudtrail-lifecycle-rule',
  'aws.defense-evasion.cloudtrail-stop',
  'aws.defense-evasion.dns-delete-logs',
  'aws.defense-evasion.organizations-leave',
  'aws.defense-evasion.vpc-remove-flow-logs',
  'aws.discovery.bedrock-enumerate-models-multiple-regions',
  'aws.discovery.ec2-download-user-data',
  'aws.discovery.ec2-enumerate-from-instance',
  'aws.discovery.ses-enumerate',
  'aws.execution.ec2-launch-unusual-instances',
  'aws.execution.ec2-user-data',
  'aws.execution.sagemaker-update-lifecycle-config',
  'aws.execution.ssm-send-command',
  'aws.execution.ssm-start-session',
  'aws.exfiltration.ec2-security-group-open-port-22-ingress',
  'aws.exfiltration.ec2-share-ami',
  'aws.exfiltration.ec2-share-ebs-snapshot',
  'aws.exfiltration.rds-share-snapshot',
  'aws.exfiltration.s3-backdoor-bucket-policy',
  'aws.exfiltration.s3-bedrock',
  'aws.impact.bedrock-invoke-model',
  'aws.impact.ec2-deregister-ami',
  'aws.impact.s3-ransomware-batch-deletion',
  'aws.impact.s3-ransomware-client-side-encryption',
  'aws.impact.s3-ransomware-individual-deletion',
  'aws.initial-access.console-login-without-mfa',
  'aws.lateral-movement.ec2-instance-connect',
  'aws.lateral-movement.ec2-serial-console-send-ssh-public-key',
  'aws.persistence.cognito-refresh-token-reuse',
  'aws.persistence.ec2-create-suspicious-keypair',
  'aws.persistence.iam-backdoor-role',
  'aws.persistence.iam-backdoor-user',
  'aws.persistence.iam-create-admin-user',
  'aws.persistence.iam-create-backdoor-role',
  'aws.persistence.iam-create-user-login-profile',
  'aws.persistence.lambda-backdoor-function',
  'aws.persistence.lambda-layer-extension',
  'aws.persistence.lambda-overwrite-code',
  'aws.persistence.rolesanywhere-create-trust-anchor',
  'aws.persistence.sts-federation-token',
  'aws.privilege-escalation.iam-update-user-login-profile',
  'aws.privilege-escalation.sagemaker-update-lifecycle-config',
  'eks.lateral-movement.create-access-entry',
];

/** Ids of earlier Stratus releases that detections still declare (the technique's CloudTrail is unchanged). */
const EARLIER_TECHNIQUES: readonly string[] = ['aws.exfiltration.ami-make-public'];

const declared = new Set(catalog.flatMap(({ detection }) => detection.stratus ?? []));

describe('Stratus Red Team coverage', () => {
  it('has a detection declaring every AWS technique of the catalog', () => {
    expect(STRATUS_TECHNIQUES.filter((technique) => !declared.has(technique))).toEqual([]);
  });

  it('declares only techniques of the lists (a typo would count for nothing)', () => {
    const known = new Set([...STRATUS_TECHNIQUES, ...EARLIER_TECHNIQUES]);
    expect([...declared].filter((technique) => !known.has(technique)).sort()).toEqual([]);
  });
});
