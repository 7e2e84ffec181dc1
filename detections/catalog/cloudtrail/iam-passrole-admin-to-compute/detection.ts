import { filter, map } from 'rxjs';
import { STATE_ROUTES, type StateCache } from '../../../../processor/state/index.js';
import type { SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding, principalLabel } from '../../../finding.js';
import { enrich } from '../../../operators/index.js';
import { paramReader } from '../../params.js';
import { globMatcher } from '../glob.js';
import { lastPathSegment } from '../instance-launch.js';
import { at, cloudTrailRecord, succeeded, text } from '../record.js';
import { callContext } from '../rule.js';

const ID = 'iam-passrole-admin-to-compute';

/** The compute each call creates or changes, and where its request names the role passed to it. */
interface PassingCall {
  compute: string;
  /** CloudFormation resource type of the compute, for the finding's resources. */
  type: string;
  role: readonly string[];
  name: readonly string[];
}

const PASSING_CALLS: Record<string, PassingCall> = {
  'lambda:CreateFunction': {
    compute: 'Lambda function',
    type: 'AWS::Lambda::Function',
    role: ['role'],
    name: ['functionName'],
  },
  'lambda:UpdateFunctionConfiguration': {
    compute: 'Lambda function',
    type: 'AWS::Lambda::Function',
    role: ['role'],
    name: ['functionName'],
  },
  'glue:CreateDevEndpoint': {
    compute: 'Glue development endpoint',
    type: 'AWS::Glue::DevEndpoint',
    role: ['roleArn'],
    name: ['endpointName'],
  },
  'glue:CreateJob': { compute: 'Glue job', type: 'AWS::Glue::Job', role: ['role'], name: ['name'] },
  'glue:UpdateJob': {
    compute: 'Glue job',
    type: 'AWS::Glue::Job',
    role: ['jobUpdate', 'role'],
    name: ['jobName'],
  },
  'cloudformation:CreateStack': {
    compute: 'CloudFormation stack',
    type: 'AWS::CloudFormation::Stack',
    role: ['roleARN'],
    name: ['stackName'],
  },
  'cloudformation:UpdateStack': {
    compute: 'CloudFormation stack',
    type: 'AWS::CloudFormation::Stack',
    role: ['roleARN'],
    name: ['stackName'],
  },
  'ecs:RegisterTaskDefinition': {
    compute: 'ECS task definition',
    type: 'AWS::ECS::TaskDefinition',
    role: ['taskRoleArn'],
    name: ['family'],
  },
  'codebuild:CreateProject': {
    compute: 'CodeBuild project',
    type: 'AWS::CodeBuild::Project',
    role: ['serviceRole'],
    name: ['name'],
  },
  'codebuild:UpdateProject': {
    compute: 'CodeBuild project',
    type: 'AWS::CodeBuild::Project',
    role: ['serviceRole'],
    name: ['name'],
  },
  'sagemaker:CreateNotebookInstance': {
    compute: 'SageMaker notebook instance',
    type: 'AWS::SageMaker::NotebookInstance',
    role: ['roleArn'],
    name: ['notebookInstanceName'],
  },
  'sagemaker:CreateTrainingJob': {
    compute: 'SageMaker training job',
    type: 'AWS::SageMaker::TrainingJob',
    role: ['roleArn'],
    name: ['trainingJobName'],
  },
  'sagemaker:CreateProcessingJob': {
    compute: 'SageMaker processing job',
    type: 'AWS::SageMaker::ProcessingJob',
    role: ['roleArn'],
    name: ['processingJobName'],
  },
};

/**
 * The IAM Role actions the state cache learns from, routed here (and ignored by the operator) so that in the
 * ingest/detect split they travel on the keyed stream with the calls that pass roles.
 */
const ROLE_LEARNING_ACTIONS = STATE_ROUTES.flatMap((route) =>
  route.actions === '*' ? [] : route.actions,
).filter((action) => /^iam:\w*Role/.test(action));

export const DEFAULT_PARAMS = { adminRoles: [] as string[] };

export const detection: Detection = {
  id: ID,
  title: 'Administrator role passed to new compute',
  description:
    'A Lambda function, Glue job or development endpoint, CloudFormation stack, ECS task definition, CodeBuild ' +
    'project or SageMaker notebook/job was created or changed to run as a role with administrator rights ' +
    '(iam:PassRole never shows as its own event: the role is a field of these calls). Anyone who can run code ' +
    'there acts as an administrator: the classic PassRole privilege escalation. A role is admin when the state ' +
    'cache saw AdministratorAccess or an allow-everything inline policy given to it, or when its name or ARN ' +
    'matches the `adminRoles` param. (EC2 instance profiles: ec2-instance-admin-profile.)',
  severity: 'high',
  mitre: ['T1098.003', 'T1078.004'],
  tactics: ['privilege-escalation'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html',
  remediation:
    'Confirm with the owner that the workload needs administrator rights (it almost never does). Give it a ' +
    'least-privilege role (e.g. `aws lambda update-function-configuration --function-name <f> --role <arn>`, ' +
    'or the service console → configuration → execution role), detach AdministratorAccess from the role, and ' +
    "scope iam:PassRole in the caller's policies to the roles it may pass (`iam:PassedToService` condition).",
  routes: [{ source: 'cloudtrail', actions: [...Object.keys(PASSING_CALLS), ...ROLE_LEARNING_ACTIONS] }],
  stateful: {},
  readsState: true,
  operator: ({ state, params }) => {
    const adminNames = globMatcher(paramReader(ID, params).strings('adminRoles', DEFAULT_PARAMS.adminRoles));
    return (events) =>
      events.pipe(
        filter((event) => event.action in PASSING_CALLS && succeeded(event)),
        enrich((event) => adminRolePassed(event, state, adminNames)),
        map(({ item, enrichment }) => toFinding(item, enrichment)),
      );
  },
};

interface PassedRole {
  call: PassingCall;
  role: string;
  reason: 'admin-role' | 'name-match';
}

function adminRolePassed(
  event: SecurityEvent,
  state: StateCache,
  adminNames: RegExp,
): PassedRole | undefined {
  const call = PASSING_CALLS[event.action];
  const request = at(cloudTrailRecord(event), 'requestParameters');
  const role = call ? text(at(request, ...call.role)) : null;
  if (!call || role === null) return undefined;
  if (state.role(event.account, role)?.admin === true) return { call, role, reason: 'admin-role' };
  if (adminNames.test(role) || adminNames.test(lastPathSegment(role)))
    return { call, role, reason: 'name-match' };
  return undefined;
}

function toFinding(event: SecurityEvent, passed: PassedRole) {
  const request = at(cloudTrailRecord(event), 'requestParameters');
  const name = text(at(request, ...passed.call.name)) ?? 'unknown';
  const roleName = lastPathSegment(passed.role);
  const who = principalLabel(event) ?? 'an unknown principal';
  return buildFinding(detection, {
    key: `${event.account}:${event.action}:${name}:${roleName}`,
    trigger: event,
    title: `Administrator role ${roleName} passed to ${passed.call.compute} ${name} by ${who}`,
    description:
      `${who} made ${passed.call.compute} ${name} run as ${passed.role}, ` +
      (passed.reason === 'admin-role'
        ? 'a role with administrator permissions.'
        : 'a role the adminRoles parameter names.') +
      ' Code running there gets its credentials.',
    resources: [
      { type: 'AWS::IAM::Role', id: passed.role, account: event.account },
      { type: passed.call.type, id: name, account: event.account },
    ],
    context: {
      ...callContext(event),
      compute: passed.call.compute,
      name,
      role: passed.role,
      reason: passed.reason,
    },
  });
}
