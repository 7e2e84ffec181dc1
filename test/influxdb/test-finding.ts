import type { Finding } from '../../schemas/types.js';

/** A complete finding for the InfluxDB sink tests; override what a test is about. */
export function testFinding(overrides: Partial<Finding> & Pick<Finding, 'id' | 'time'>): Finding {
  return {
    detection: 'root-console-login',
    title: 'Root user signed in to the console',
    description: 'The root user signed in.',
    severity: 'high',
    tier: 'alert',
    riskScore: 75,
    window: null,
    account: '111122223333',
    region: 'us-east-1',
    principal: 'arn:aws:iam::111122223333:root',
    resources: [],
    mitre: ['T1078.004'],
    evidence: ['e1'],
    count: 1,
    runbook: 'https://runbooks.example/root-login',
    remediation: 'Lock the root user away.',
    dedupKey: 'k',
    context: {},
    ...overrides,
  };
}
