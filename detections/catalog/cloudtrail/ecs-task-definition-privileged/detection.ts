import type { JsonValue, SecurityEvent } from '../../../../schemas/types.js';
import { at, items, request, response, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

/** Host paths that give a container the host: its root, configuration, credentials or container runtime. */
const SENSITIVE_HOST_PATH =
  /^\/(?:$|etc\b|root\b|proc\b|sys\b|home\b|var\/lib\/(?:docker|kubelet|ecs)\b|(?:var\/)?run\/(?:docker|containerd|crio)\b)/;
/** Capabilities that break out of the container or read the host's memory and files. */
const DANGEROUS_CAPABILITIES = new Set([
  'ALL',
  'SYS_ADMIN',
  'SYS_PTRACE',
  'SYS_MODULE',
  'DAC_READ_SEARCH',
  'NET_ADMIN',
  'SYS_RAWIO',
]);
/** The task role credentials endpoint and the instance metadata service, queried from a container command. */
const CREDENTIAL_ENDPOINT =
  /AWS_CONTAINER_CREDENTIALS_(RELATIVE|FULL)_URI|169\.254\.170\.2|169\.254\.169\.254/;

interface Risk {
  reason: string;
  high: boolean;
}

export const detection = cloudTrailRule({
  id: 'ecs-task-definition-privileged',
  title: 'ECS task definition with privileged or host access',
  description:
    'A task definition was registered whose containers can take over the host or steal credentials: ' +
    'privileged mode, sensitive host paths mounted (/, /etc, the Docker or containerd socket...), the host PID ' +
    'or IPC namespace, dangerous Linux capabilities (SYS_ADMIN, SYS_PTRACE...), or a command that queries the ' +
    'task credentials endpoint or the instance metadata service. On EC2 launch types such a task owns the ' +
    "container instance and every other task's credentials on it.",
  severity: 'high',
  mitre: ['T1610', 'T1611', 'T1552.005'],
  tactics: ['privilege-escalation', 'execution', 'credential-access'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/security-tasks-containers.html',
  remediation:
    'Check who needs the access. If nobody does, register a new revision without it and deregister this one ' +
    '(`aws ecs deregister-task-definition --task-definition <family>:<revision>`), stop tasks running it ' +
    '(`aws ecs list-tasks --family <family>`, `aws ecs stop-task`), rotate the credentials of the task and ' +
    'instance roles, and forbid privileged tasks with an SCP or a Config rule (ecs-containers-nonprivileged).',
  actions: ['ecs:RegisterTaskDefinition'],
  match: (event) => {
    const risks = risksOf(event);
    if (risks.length === 0) return null;
    const family = text(request(event, 'family')) ?? 'unknown';
    const arn = text(response(event, 'taskDefinition', 'taskDefinitionArn'));
    const revision = text(response(event, 'taskDefinition', 'revision'));
    const label = revision ? `${family}:${revision}` : family;
    const who = actor(event);
    const reasons = risks.map((risk) => risk.reason);
    return {
      key: `${event.account}:${label}`,
      title: `ECS task definition ${label} registered with ${reasons.join('; ')} by ${who}`,
      description: `${who} registered task definition ${label} in ${event.region ?? 'an unknown region'}: ${reasons.join('; ')}.`,
      severity: risks.some((risk) => risk.high) ? 'high' : 'medium',
      resources: [{ type: 'AWS::ECS::TaskDefinition', id: arn ?? label, account: event.account }],
      context: { family, revision: revision ?? '', risks: reasons.join('; ') },
    };
  },
});

function risksOf(event: SecurityEvent): Risk[] {
  const risks: Risk[] = [];
  for (const container of items(request(event, 'containerDefinitions'))) {
    const name = `container ${text(at(container, 'name')) ?? '(unnamed)'}`;
    if (at(container, 'privileged') === true) risks.push({ reason: `${name} is privileged`, high: true });
    const added = items(at(container, 'linuxParameters', 'capabilities', 'add')).flatMap(
      (cap) => text(cap) ?? [],
    );
    const dangerous = added.filter((cap) =>
      DANGEROUS_CAPABILITIES.has(cap.toUpperCase().replace(/^CAP_/, '')),
    );
    if (dangerous.length > 0) risks.push({ reason: `${name} adds ${dangerous.join(', ')}`, high: false });
    if (queriesCredentials(at(container, 'command')) || queriesCredentials(at(container, 'entryPoint'))) {
      risks.push({ reason: `${name} queries the credentials endpoint`, high: true });
    }
  }
  for (const volume of items(request(event, 'volumes'))) {
    const path = text(at(volume, 'host', 'sourcePath'));
    if (path !== null && SENSITIVE_HOST_PATH.test(path)) {
      risks.push({ reason: `host path ${path} mounted`, high: true });
    }
  }
  for (const namespace of ['pidMode', 'ipcMode'] as const) {
    if (text(request(event, namespace)) === 'host') risks.push({ reason: `${namespace} host`, high: false });
  }
  return risks;
}

function queriesCredentials(command: JsonValue | undefined): boolean {
  return items(command).some((part) => CREDENTIAL_ENDPOINT.test(text(part) ?? ''));
}
