import { principalLabel } from '../../../finding.js';
import { cloudTrailFanOut } from '../fan-out.js';
import { commandDocument, commandInstanceIds, isShellDocument, managedNodeResource } from '../ssm-targets.js';

export const detection = cloudTrailFanOut({
  id: 'ssm-send-command-multiple-instances',
  title: 'Commands sent to many instances with SSM Run Command',
  description:
    'One principal sent Run Command commands (SendCommand) to at least 3 different instances within an hour, ' +
    'in one call or several. Run Command executes as root / SYSTEM through the SSM agent, with no SSH and no ' +
    'open port: with stolen credentials it runs a payload on a whole fleet at once, or reads every instance ' +
    'role credential. High with a shell document (AWS-RunShellScript, AWS-RunPowerShellScript), medium with ' +
    'other documents. Refused attempts count. Instances chosen by tag or resource group are not counted.',
  severity: 'high',
  mitre: ['T1651', 'T1059'],
  tactics: ['execution', 'lateral-movement'],
  failedCalls: 'counted',
  panther: {
    rules: ['AWS.SSM.DistributedCommand'],
    differences: [
      {
        rule: 'AWS.SSM.DistributedCommand',
        test: 'Single Command Send, Many Cached IDs',
        reason:
          "Panther's test mocks instance ids cached from earlier calls; shardwatch counts the instances of earlier " +
          'calls in its one-hour window, so this one call naming one instance, replayed alone, reaches one instance',
      },
    ],
  },
  stratus: ['aws.execution.ssm-send-command'],
  runbook: 'https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-cloudtrail-logs.html',
  remediation:
    'Read what ran (Systems Manager console → Run Command → Command history, or `aws ssm ' +
    'list-command-invocations --command-id <id> --details`). If unexpected: cancel pending commands (`aws ssm ' +
    "cancel-command --command-id <id>`), revoke the principal's credentials, treat the instances' role " +
    'credentials as exposed, and restrict ssm:SendCommand to named documents and tagged instances.',
  actions: ['ssm:SendCommand'],
  key: (event) => principalLabel(event),
  targets: commandInstanceIds,
  atLeast: 3,
  windowMinutes: 60,
  finding: (fanOut) => {
    const documents = [...new Set(fanOut.events.map(commandDocument))].sort();
    const shell = documents.some(isShellDocument);
    return {
      title: `Commands (${documents.join(', ')}) sent to ${fanOut.targets.length} instances by ${fanOut.key} within ${fanOut.windowMinutes} minutes`,
      description:
        `${fanOut.key} sent ${documents.join(', ')} to ${fanOut.targets.join(', ')} in ${fanOut.events.length} ` +
        `call(s)${fanOut.refused > 0 ? ` (${fanOut.refused} refused)` : ''}` +
        (shell ? ': arbitrary shell commands run as root on each instance.' : '.'),
      severity: shell ? 'high' : 'medium',
      resources: fanOut.targets.map((id) => managedNodeResource(id, fanOut.events[0]?.account ?? null)),
      context: { instanceIds: fanOut.targets.join(','), documents: documents.join(',') },
    };
  },
});
