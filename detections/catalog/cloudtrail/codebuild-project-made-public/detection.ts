import { request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'codebuild-project-made-public',
  title: 'CodeBuild project made public',
  description:
    'A CodeBuild project was given public visibility (UpdateProjectVisibility PUBLIC_READ): anyone on the ' +
    'internet can read its build logs and artifacts, where secrets, environment variables and internal URLs ' +
    'routinely end up.',
  severity: 'high',
  mitre: ['T1567', 'T1552'],
  tactics: ['exfiltration', 'credential-access'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.CloudTrail.CodebuildProjectMadePublic'] },
  runbook: 'https://docs.aws.amazon.com/codebuild/latest/userguide/public-builds.html',
  remediation:
    'Make it private: `aws codebuild update-project-visibility --project-arn <arn> --project-visibility PRIVATE` ' +
    '(console: project → Edit → Project configuration → Public build access). Then rotate every secret that ' +
    'appeared in its logs and artifacts while it was public.',
  actions: ['codebuild:UpdateProjectVisibility'],
  match: (event) => {
    if (text(request(event, 'projectVisibility'))?.toUpperCase() !== 'PUBLIC_READ') return null;
    const project = text(request(event, 'projectArn')) ?? 'unknown';
    const who = actor(event);
    return {
      key: `${event.account}:${project}`,
      title: `CodeBuild project ${project.split('/').at(-1)} made public by ${who}`,
      description: `${who} made the build logs and artifacts of ${project} readable by anyone.`,
      resources: [{ type: 'AWS::CodeBuild::Project', id: project, account: event.account }],
      context: { resourceAccessRole: text(request(event, 'resourceAccessRole')) ?? '' },
    };
  },
});
