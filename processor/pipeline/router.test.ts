import { describe, expect, it } from 'vitest';
import { Router } from './router.js';

describe('Router', () => {
  const router = new Router([
    {
      routes: [{ source: 'cloudtrail', actions: ['ec2:RunInstances', 'ec2:TerminateInstances'] }],
      target: 'launches',
    },
    { routes: [{ source: 'cloudtrail', actions: '*' }], target: 'root-usage' },
    {
      routes: [
        { source: 'guardduty', actions: '*' },
        { source: 'cloudtrail', actions: ['ec2:RunInstances'] },
      ],
      target: 'correlation',
    },
    { routes: [{ source: 'flowlog', actions: ['ACCEPT'] }], target: 'inbound' },
  ]);

  it('dispatches an event to exactly the targets that routed on its source and action', () => {
    expect(router.targets('cloudtrail', 'ec2:RunInstances')).toEqual([
      'root-usage',
      'launches',
      'correlation',
    ]);
    expect(router.targets('cloudtrail', 's3:GetObject')).toEqual(['root-usage']);
    expect(router.targets('guardduty', 'Recon:EC2/PortProbeUnprotectedPort')).toEqual(['correlation']);
    expect(router.targets('flowlog', 'ACCEPT')).toEqual(['inbound']);
    expect(router.targets('flowlog', 'REJECT')).toEqual([]);
  });

  it('answers wants() for early dropping', () => {
    expect(router.wants('flowlog', 'REJECT')).toBe(false);
    expect(router.wants('flowlog', 'ACCEPT')).toBe(true);
  });

  it('returns the same array for repeated lookups (memoised, no per-event allocation)', () => {
    expect(router.targets('cloudtrail', 'iam:CreateUser')).toBe(
      router.targets('cloudtrail', 'iam:CreateUser'),
    );
  });

  it('lists a target once even when two of its routes match', () => {
    const overlapping = new Router([
      {
        routes: [
          { source: 'cloudtrail', actions: '*' },
          { source: 'cloudtrail', actions: ['iam:CreateUser'] },
        ],
        target: 'x',
      },
    ]);
    expect(overlapping.targets('cloudtrail', 'iam:CreateUser')).toEqual(['x']);
  });
});

describe('Router action patterns', () => {
  const router = new Router([
    { routes: [{ source: 'cloudtrail', actions: ['lambda:*'] }], target: 'lambda' },
    { routes: [{ source: 'cloudtrail', actions: ['*:ConsoleLogin'] }], target: 'login' },
    { routes: [{ source: 'cloudtrail', actions: ['iam:createuser'], ignoreCase: true }], target: 'folded' },
    {
      routes: [{ source: 'cloudtrail', actions: ['S3:*', '*:deletebucket'], ignoreCase: true }],
      target: 's3',
    },
  ]);

  it('dispatches service:* to every action of the service and *:Name to the name in any service', () => {
    expect(router.targets('cloudtrail', 'lambda:UpdateFunctionCode')).toEqual(['lambda']);
    expect(router.targets('cloudtrail', 'signin:ConsoleLogin')).toEqual(['login']);
    expect(router.targets('cloudtrail', 'signin:consolelogin')).toEqual([]);
    expect(router.targets('cloudtrail', 'lambdax:Invoke')).toEqual([]);
  });

  it('compares ignoreCase routes without case, the others exactly', () => {
    expect(router.targets('cloudtrail', 'iam:CreateUser')).toEqual(['folded']);
    expect(router.targets('cloudtrail', 'IAM:CREATEUSER')).toEqual(['folded']);
    expect(router.targets('cloudtrail', 's3:GetObject')).toEqual(['s3']);
    expect(router.targets('cloudtrail', 'other:DeleteBucket')).toEqual(['s3']);
  });

  it('does not count patterns as wanting every action (the prefilter still scans)', () => {
    expect(router.wants('cloudtrail', '*')).toBe(false);
  });
});
