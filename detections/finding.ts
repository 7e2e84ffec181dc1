import { hash } from 'node:crypto';
import type { Finding, FindingWindow, Resource, SecurityEvent, Severity, Tier } from '../schemas/types.js';
import type { DetectionMeta } from './api.js';

/** Evidence is capped so one noisy window cannot make a finding unbounded. */
export const MAX_EVIDENCE = 20;

const TIER_BY_SEVERITY: Record<Severity, Tier> = {
  info: 'log',
  low: 'log',
  medium: 'notify',
  high: 'alert',
  critical: 'alert',
};

const RISK_BY_SEVERITY: Record<Severity, number> = { info: 10, low: 30, medium: 50, high: 75, critical: 95 };

export function tierFor(severity: Severity): Tier {
  return TIER_BY_SEVERITY[severity];
}

export function riskFor(severity: Severity): number {
  return RISK_BY_SEVERITY[severity];
}

/**
 * Stable 32-hex-char id of the given parts; the same parts give the same id in every run. One-shot
 * `crypto.hash`: every flow record gets one, and a Hash object per call cost three times as much.
 */
export function stableId(...parts: readonly (string | number)[]): string {
  return hash('sha256', parts.join('\u001f'), 'hex').slice(0, 32);
}

export interface FindingInput {
  /** What the finding is about within the detection (account, principal, security group...). */
  key: string;
  /** The event that completed the match: gives time, account, region and principal unless overridden. */
  trigger: SecurityEvent;
  /** Evidence events, trigger first if it should be listed first; defaults to [trigger]. */
  events?: readonly SecurityEvent[];
  /** Windowed findings: the window's id replaces the trigger's in the finding id. */
  window?: FindingWindow;
  title: string;
  description: string;
  severity?: Severity;
  tier?: Tier;
  riskScore?: number;
  account?: string | null;
  region?: string | null;
  principal?: string | null;
  resources?: Resource[];
  count?: number;
  context?: Record<string, string>;
  /** Defaults to `key`. */
  dedupKey?: string;
}

/** Who acted, as one string for findings and messages. */
export function principalLabel(event: SecurityEvent): string | null {
  return event.principal?.arn ?? event.principal?.name ?? null;
}

/** Builds a finding with a deterministic id: detection id + key + (window start | trigger event id). */
export function buildFinding(meta: DetectionMeta, input: FindingInput): Finding {
  const { trigger } = input;
  const events = input.events ?? [trigger];
  const severity = input.severity ?? meta.severity;
  const anchor = input.window ? `window:${input.window.start}` : `event:${trigger.id}`;
  return {
    id: stableId(meta.id, input.key, anchor),
    detection: meta.id,
    title: input.title,
    description: input.description,
    severity,
    tier: input.tier ?? meta.tier ?? tierFor(severity),
    riskScore: Math.max(0, Math.min(100, Math.round(input.riskScore ?? riskFor(severity)))),
    time: trigger.time,
    window: input.window ?? null,
    account: input.account !== undefined ? input.account : trigger.account,
    region: input.region !== undefined ? input.region : trigger.region,
    principal: input.principal !== undefined ? input.principal : principalLabel(trigger),
    resources: input.resources ?? trigger.resources,
    mitre: [...meta.mitre],
    evidence: events.slice(0, MAX_EVIDENCE).map((event) => event.id),
    count: input.count ?? events.length,
    runbook: meta.runbook,
    remediation: meta.remediation,
    dedupKey: input.dedupKey ?? input.key,
    context: input.context ?? {},
  };
}
