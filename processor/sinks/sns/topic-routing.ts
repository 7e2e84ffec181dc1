import type { Finding } from '../../../schemas/types.js';

/** Topic ARN per tier; a tier without a topic is not published (its findings count as accepted). */
export interface SnsTopics {
  alert?: string;
  notify?: string;
  log?: string;
}

/** The team that owns an account, and its own topic: "alert the owner, not only security". */
export interface TeamRoute {
  team: string;
  topicArn?: string;
}

/** Where a finding goes: the topic of its tier and its owning team's topic, each once. */
export interface SnsRoute {
  team: string | null;
  topicArns: string[];
}

/**
 * Chooses the topics of a finding: its tier's topic, then the owning team's topic (account → team map) for
 * `notify` and `alert` findings; `log` findings are forensics and do not go to teams.
 *
 *   routeFinding(finding, { alert: securityTopic }, { '111122223333': { team: 'payments', topicArn } });
 *   // { team: 'payments', topicArns: [securityTopic, topicArn] } for an alert-tier finding of that account
 */
export function routeFinding(
  finding: Finding,
  topics: SnsTopics,
  teams: Readonly<Record<string, TeamRoute>>,
): SnsRoute {
  const owner =
    finding.account !== null && Object.hasOwn(teams, finding.account) ? teams[finding.account] : undefined;
  const topicArns = new Set<string>();
  const tierTopic = topics[finding.tier];
  if (tierTopic) topicArns.add(tierTopic);
  if (owner?.topicArn && finding.tier !== 'log') topicArns.add(owner.topicArn);
  return { team: owner?.team ?? null, topicArns: [...topicArns] };
}
