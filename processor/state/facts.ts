/** What the state cache knows about an EC2 instance, learned from RunInstances, CreateTags and friends. */
export interface InstanceFact {
  id: string;
  account: string | null;
  region: string | null;
  type: string | null;
  /** Event time of the RunInstances call (or of the first event that named the instance). */
  launchedAt: number;
  /** ARN of the principal that launched it. */
  launchedBy: string | null;
  /** Instance profile ARN or name. */
  profile: string | null;
  tags: Record<string, string>;
  terminated: boolean;
}

/** One ingress rule open to the world (0.0.0.0/0 or ::/0). */
export interface OpenIngress {
  /** As CloudTrail gives it: `tcp`, `udp`, `icmp`, `-1` (all) or a protocol number. */
  protocol: string;
  fromPort: number | null;
  toPort: number | null;
  cidr: string;
}

export interface SecurityGroupFact {
  id: string;
  account: string | null;
  region: string | null;
  openIngress: OpenIngress[];
}

export interface RoleFact {
  name: string;
  arn: string | null;
  account: string | null;
  /** Attached managed policy ARNs and inline policy names. */
  policies: string[];
  /** AdministratorAccess attached or an inline policy allowing `*` on `*`. */
  admin: boolean;
}

export interface AccessKeyFact {
  accessKeyId: string;
  /** ARN or user name of the key's owner. */
  principal: string;
  account: string | null;
}
