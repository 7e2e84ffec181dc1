import type { Observable, OperatorFunction } from 'rxjs';
import type { StateCache } from '../processor/state/index.js';
import type { EventSource, Finding, SecurityEvent, Severity, Tier } from '../schemas/types.js';

/**
 * Event time as the pipeline sees it. `watermark` is the pipeline watermark: the minimum over active
 * inputs of (max event time seen − allowed lateness). Events with `time < watermark` are late.
 * `watermark$` emits each new, strictly greater watermark synchronously, after the event that moved it
 * has been delivered to every detection, so window operators fire in a deterministic order.
 */
export interface EventClock {
  readonly watermark: number;
  readonly watermark$: Observable<number>;
}

/** The sources and actions a detection needs; the router dispatches on these. `'*'` = every action. */
export interface Route {
  source: EventSource;
  /** Actions; `service:*` is every action of a service, `*:Name` that name in any service. */
  actions: readonly string[] | '*';
  /** Match actions without regard to case (Sigma compares values case-insensitively). */
  ignoreCase?: boolean;
  /**
   * A cheap test on the record's raw text before it is parsed: the route wants a record only if its text
   * contains one of these strings. A necessary condition, never a sufficient one (the operator still checks
   * the parsed event), so a detection that routes every action but needs few records (root identity,
   * instance sessions) does not make every record parsed. Omitted: every record of these actions.
   */
  rawContains?: readonly string[];
  /**
   * CloudTrail: the detection ignores records marked `"readOnly": true` (it reads changes only), so the
   * prefilter may skip them unparsed — most of a trail is reads. Without `rawContains`; a record with no
   * `readOnly` field counts as a change.
   */
  changesOnly?: boolean;
}

/** MITRE ATT&CK enterprise tactics, as kebab-case names; the catalog documentation groups by the first. */
export type Tactic =
  | 'reconnaissance'
  | 'resource-development'
  | 'initial-access'
  | 'execution'
  | 'persistence'
  | 'privilege-escalation'
  | 'defense-evasion'
  | 'credential-access'
  | 'discovery'
  | 'lateral-movement'
  | 'collection'
  | 'command-and-control'
  | 'exfiltration'
  | 'impact';

export const TACTICS: readonly Tactic[] = [
  'reconnaissance',
  'resource-development',
  'initial-access',
  'execution',
  'persistence',
  'privilege-escalation',
  'defense-evasion',
  'credential-access',
  'discovery',
  'lateral-movement',
  'collection',
  'command-and-control',
  'exfiltration',
  'impact',
];

/** A Panther test case on which this detection deliberately gives another result than Panther's rule. */
export interface PantherDifference {
  /** Panther rule id, e.g. `AWS.CloudTrail.Stopped`. */
  rule: string;
  /** The test's name, exactly as in the rule's tests. */
  test: string;
  /** Why shardwatch differs (a threshold or window instead of one event, a stricter condition...). */
  reason: string;
}

/** Free-form per-detection parameters from the config file (`detections.<id>.params`). */
export type DetectionParams = Readonly<Record<string, unknown>>;

export interface DetectionContext {
  clock: EventClock;
  state: StateCache;
  params: DetectionParams;
}

export interface DetectionMeta {
  /** Stable id, kebab-case, e.g. `ec2-security-group-open-to-world`. Part of every finding id. */
  id: string;
  title: string;
  /** What the detection looks for and why it matters. */
  description: string;
  severity: Severity;
  /** Defaults to the severity's tier (see processor/pipeline/tiers). */
  tier?: Tier;
  /** MITRE ATT&CK technique ids, e.g. `T1078.004`. */
  mitre: readonly string[];
  /** ATT&CK tactics the detection covers, the main one first (every catalog detection has one). */
  tactics?: readonly Tactic[];
  /**
   * CloudTrail detections: whether a call AWS refused (errorCode set: `AccessDenied`,
   * `UnauthorizedOperation`, `Client.UnauthorizedOperation`, ...) matches. `counted` when the attempt alone is
   * worth a finding (probing for secrets, trying to stop logging); `ignored` when only a change that took
   * effect matters.
   */
  failedCalls?: 'counted' | 'ignored';
  /** Panther rules this detection covers, and the test cases where it deliberately differs. */
  panther?: { rules: readonly string[]; differences?: readonly PantherDifference[] };
  /** Stratus Red Team technique ids whose CloudTrail this detection catches, e.g. `aws.defense-evasion.cloudtrail-stop`. */
  stratus?: readonly string[];
  /**
   * false: off unless the config enables it (`detections: { <id>: { enabled: true } }`), for a detection
   * whose cost most deployments should choose (one that must parse every read call, say).
   */
  enabledByDefault?: false;
  /** Link to the runbook. */
  runbook: string;
  /** How to fix it, for the engineer reading the finding. */
  remediation: string;
  routes: readonly Route[];
  /** Same dedupKey within this event-time period → one finding with a count. */
  dedupPeriodMs?: number;
  /**
   * Windowed/correlating detections are stateful: in the ingest/detect split their events travel on the
   * internal keyed stream with this partition key (default: account). `null`: the operator ignores this
   * event, so ingest does not publish it for this detection (keeps the keyed stream small).
   */
  stateful?: { partitionKey?: (event: SecurityEvent) => string | null };
  /**
   * The operator looks up assets in the state cache (`context.state`). Its events then arrive in (time, id)
   * order once the watermark passes them, after the cache learned from every earlier event, so a consumer
   * reading shards unevenly finds what a replay finds. Costs up to the allowed lateness in latency.
   */
  readsState?: boolean;
}

/** A detection = metadata + an event-time RxJS operator. Fixtures live beside it in fixtures.json. */
export interface Detection extends DetectionMeta {
  operator: (context: DetectionContext) => OperatorFunction<SecurityEvent, Finding>;
}
