import type { Severity } from '../../../../schemas/types.js';
import { request, succeeded, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

/** What each call does to the code a notebook runs at start, and how bad that is when it works. */
const CHANGES: Readonly<Record<string, { verb: string; severity: Severity }>> = {
  'sagemaker:UpdateNotebookInstance': { verb: 'attached to notebook instance', severity: 'high' },
  'sagemaker:UpdateNotebookInstanceLifecycleConfig': { verb: 'script replaced', severity: 'high' },
  'sagemaker:CreateNotebookInstanceLifecycleConfig': { verb: 'created', severity: 'medium' },
  'sagemaker:CreateStudioLifecycleConfig': { verb: 'created for Studio apps', severity: 'medium' },
};

export const detection = cloudTrailRule({
  id: 'sagemaker-lifecycle-config-changed',
  title: 'SageMaker lifecycle configuration attached or changed',
  description:
    'A SageMaker lifecycle configuration was attached to a notebook instance (UpdateNotebookInstance with ' +
    'lifecycleConfigName), its script replaced (UpdateNotebookInstanceLifecycleConfig), or a new one created. ' +
    'The script runs as root on the notebook at every start, with the execution role: stopping a notebook, ' +
    'attaching a script and starting it again lets someone with only notebook permissions run code as that ' +
    'role and take its credentials. Attaching or replacing is high, creating medium; refused attempts to attach ' +
    'or replace count at medium.',
  severity: 'high',
  mitre: ['T1059', 'T1098'],
  tactics: ['execution', 'privilege-escalation'],
  failedCalls: 'counted',
  stratus: [
    'aws.execution.sagemaker-update-lifecycle-config',
    'aws.privilege-escalation.sagemaker-update-lifecycle-config',
  ],
  runbook: 'https://docs.aws.amazon.com/sagemaker/latest/dg/notebook-lifecycle-config.html',
  remediation:
    'Read the script (`aws sagemaker describe-notebook-instance-lifecycle-config ' +
    '--notebook-instance-lifecycle-config-name <name>`, base64-decode OnStart/OnCreate). If it is not yours: stop ' +
    'the notebook, detach the configuration (`aws sagemaker update-notebook-instance --notebook-instance-name ' +
    "<nb> --disassociate-lifecycle-config`), revoke the execution role's sessions, and restrict " +
    'sagemaker:UpdateNotebookInstance and the lifecycle-config APIs to the platform team.',
  actions: Object.keys(CHANGES),
  match: (event) => {
    const change = CHANGES[event.action];
    const config =
      text(request(event, 'lifecycleConfigName')) ??
      text(request(event, 'notebookInstanceLifecycleConfigName')) ??
      text(request(event, 'studioLifecycleConfigName'));
    if (change === undefined || config === null) return null;
    const created = change.severity === 'medium';
    if (created && !succeeded(event)) return null;
    const notebook = text(request(event, 'notebookInstanceName'));
    const who = actor(event);
    const what = notebook ? `${change.verb} ${notebook}` : change.verb;
    return {
      key: `${event.account}:${config}:${notebook ?? ''}`,
      title: `SageMaker lifecycle configuration ${config} ${what} by ${who}`,
      description:
        `${who}: lifecycle configuration ${config} ${what} in ${event.region ?? 'an unknown region'}. Its script ` +
        `runs as root with the notebook's execution role ${notebook ? 'at the next start of the notebook' : 'on the notebooks that use it'}.`,
      severity: succeeded(event) ? change.severity : 'medium',
      resources: [
        ...(notebook
          ? [{ type: 'AWS::SageMaker::NotebookInstance', id: notebook, account: event.account }]
          : []),
        {
          type: event.action.includes('Studio')
            ? 'AWS::SageMaker::StudioLifecycleConfig'
            : 'AWS::SageMaker::NotebookInstanceLifecycleConfig',
          id: config,
          account: event.account,
        },
      ],
      context: { lifecycleConfig: config, notebookInstance: notebook ?? '' },
    };
  },
});
