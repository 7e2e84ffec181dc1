/** TypeScript mirror of security-event.avsc and finding.avsc. Field names and nullability match the schemas. */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export type EventSource = 'cloudtrail' | 'guardduty' | 'flowlog';
export const EVENT_SOURCES: readonly EventSource[] = ['cloudtrail', 'guardduty', 'flowlog'];

export interface Principal {
  type: string | null;
  arn: string | null;
  name: string | null;
  account: string | null;
  /** ARN of the role behind an assumed-role session. */
  sessionIssuer: string | null;
  mfa: boolean | null;
  accessKeyId: string | null;
}

export interface Resource {
  /** e.g. AWS::EC2::Instance, AWS::IAM::Role, AWS::EC2::SecurityGroup */
  type: string;
  /** ARN where known, else the resource's own id. */
  id: string;
  account: string | null;
}

export interface FlowRecord {
  version: number | null;
  interfaceId: string | null;
  srcAddr: string | null;
  dstAddr: string | null;
  srcPort: number | null;
  dstPort: number | null;
  protocol: number | null;
  packets: number | null;
  bytes: number | null;
  /** epoch ms */
  start: number | null;
  /** epoch ms */
  end: number | null;
  action: string | null;
  logStatus: string | null;
  vpcId: string | null;
  subnetId: string | null;
  instanceId: string | null;
  tcpFlags: number | null;
  trafficType: string | null;
  pktSrcAddr: string | null;
  pktDstAddr: string | null;
  azId: string | null;
  sublocationType: string | null;
  sublocationId: string | null;
  pktSrcAwsService: string | null;
  pktDstAwsService: string | null;
  flowDirection: string | null;
  trafficPath: number | null;
}

export interface GuardDutyFinding {
  type: string;
  /** GuardDuty's 1.0-10.0 scale. */
  severity: number;
  title: string | null;
  resourceType: string | null;
  /** Instance id, access key id, bucket name or cluster name. */
  resourceId: string | null;
  actionType: string | null;
  remoteIp: string | null;
  count: number;
  firstSeen: number | null;
  lastSeen: number | null;
  archived: boolean | null;
}

export interface SecurityEvent {
  /** CloudTrail eventID, GuardDuty finding id, or a stable hash of a flow-log record. */
  id: string;
  source: EventSource;
  /** Event time, epoch ms UTC. */
  time: number;
  account: string | null;
  region: string | null;
  /** cloudtrail `service:EventName` (e.g. `ec2:RunInstances`); guardduty finding type; flowlog ACCEPT|REJECT|NODATA|SKIPDATA. */
  action: string;
  principal: Principal | null;
  srcIp: string | null;
  userAgent: string | null;
  errorCode: string | null;
  readOnly: boolean | null;
  resources: Resource[];
  flow: FlowRecord | null;
  guardduty: GuardDutyFinding | null;
  /** The original record (flow logs: the fields keyed by their format names). */
  raw: JsonValue;
}

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

/** log: forensics only; notify: tell the engineer who acted; alert: page the security team. */
export type Tier = 'log' | 'notify' | 'alert';
export const TIERS: readonly Tier[] = ['log', 'notify', 'alert'];

export interface FindingWindow {
  start: number;
  end: number;
}

export interface Finding {
  /** Deterministic: hash of detection id, key and window start or trigger event id. */
  id: string;
  detection: string;
  title: string;
  /** What happened in this instance, in a sentence or two. */
  description: string;
  severity: Severity;
  tier: Tier;
  /** 0-100 */
  riskScore: number;
  /** Event time of the trigger, epoch ms. */
  time: number;
  window: FindingWindow | null;
  account: string | null;
  region: string | null;
  /** ARN (or name) of who acted. */
  principal: string | null;
  resources: Resource[];
  mitre: string[];
  /** Ids of up to 20 triggering events. */
  evidence: string[];
  count: number;
  runbook: string;
  remediation: string;
  dedupKey: string;
  /** Detection-specific facts: port, cidr, instance type, ... */
  context: Record<string, string>;
}
