import { hours } from '../../../operators/index.js';
import { response, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';
import {
  isRemotePortForwarding,
  managedNodeResource,
  sessionDocument,
  sessionTarget,
} from '../ssm-targets.js';

export const detection = cloudTrailRule({
  id: 'ssm-session-started',
  title: 'Session Manager session started on an instance',
  description:
    'A Session Manager session was opened on an instance (StartSession): a shell, a command or a port ' +
    'forward, with no SSH key and no open port. It is the recommended way in, so a session is recorded at low ' +
    'severity for the access log; forwarding a port to another host through the instance ' +
    '(AWS-StartPortForwardingSessionToRemoteHost) reaches the private network behind it and is medium. Sessions ' +
    'on several instances are reported by ssm-session-multiple-instances.',
  severity: 'low',
  mitre: ['T1021.007', 'T1572'],
  tactics: ['execution', 'lateral-movement'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-auditing.html',
  remediation:
    'Check with the principal that the session was theirs (Systems Manager console → Session Manager → ' +
    'Session history, or `aws ssm describe-sessions --state History`). If not, end it (`aws ssm ' +
    "terminate-session --session-id <id>`), revoke the principal's credentials, and restrict ssm:StartSession " +
    'by instance tags and document (`ssm:SessionDocumentAccessCheck`).',
  actions: ['ssm:StartSession'],
  dedupPeriodMs: hours(1),
  match: (event) => {
    const target = sessionTarget(event) ?? 'unknown';
    const document = sessionDocument(event);
    const forwarding = isRemotePortForwarding(document);
    const who = actor(event);
    return {
      key: `${event.account}:${who}:${target}:${document}`,
      title: `Session Manager ${forwarding ? 'port forwarding through' : 'session on'} ${target} started by ${who}`,
      description:
        `${who} started a Session Manager session (${document}) on ${target}` +
        (forwarding ? ': traffic is forwarded through the instance to another host of its network.' : '.'),
      severity: forwarding ? 'medium' : 'low',
      resources: [managedNodeResource(target, event.account)],
      context: { target, document, sessionId: text(response(event, 'sessionId')) ?? '' },
    };
  },
});
