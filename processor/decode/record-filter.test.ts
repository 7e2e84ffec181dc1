import { describe, expect, it } from 'vitest';
import { NeedleError, RecordFilter } from './record-filter.js';

describe('RecordFilter', () => {
  const filter = new RecordFilter([
    { source: 'cloudtrail', actions: '*', rawContains: ['Root'] },
    { source: 'cloudtrail', actions: '*', rawContains: ['/i-', 'Root'] },
    { source: 'cloudtrail', actions: ['ec2:RunInstances'] },
    { source: 'flowlog', actions: ['REJECT'] },
  ]);

  it('wants an action some route covers; needles only where every covering route has some', () => {
    expect(filter.wants('cloudtrail', 's3:ListBuckets')).toBe(true);
    expect(filter.rawNeed('cloudtrail', 's3:ListBuckets')).toEqual({
      needles: ['Root', '/i-'],
      changes: false,
    });
    expect([
      filter.wants('cloudtrail', 'ec2:RunInstances'),
      filter.rawNeed('cloudtrail', 'ec2:RunInstances'),
    ]).toEqual([true, null]);
    expect([filter.wants('flowlog', 'ACCEPT'), filter.wants('guardduty', 'Recon:EC2/Portscan')]).toEqual([
      false,
      false,
    ]);
  });

  it("answers for '*' whether every action is wanted, and with which needles", () => {
    expect([filter.wants('cloudtrail', '*'), filter.rawNeed('cloudtrail', '*')]).toEqual([
      true,
      { needles: ['Root', '/i-'], changes: false },
    ]);
    const everything = new RecordFilter([{ source: 'cloudtrail', actions: '*' }]);
    expect(everything.rawNeed('cloudtrail', '*')).toBeNull();
  });

  it('needs the changes of every action for a changesOnly route, with the needles of the others', () => {
    const changes = new RecordFilter([
      { source: 'cloudtrail', actions: '*', changesOnly: true },
      { source: 'cloudtrail', actions: '*', rawContains: ['Root'] },
      { source: 'cloudtrail', actions: ['iam:CreateUser'] },
    ]);
    expect(changes.rawNeed('cloudtrail', 's3:ListBuckets')).toEqual({ needles: ['Root'], changes: true });
    expect(changes.rawNeed('cloudtrail', 'iam:CreateUser')).toBeNull();
  });

  it("matches Sigma's patterns and case as the router does", () => {
    const sigma = new RecordFilter([
      { source: 'cloudtrail', actions: ['lambda:*'] },
      { source: 'cloudtrail', actions: ['*:ConsoleLogin'] },
      { source: 'cloudtrail', actions: ['iam:createuser'], ignoreCase: true },
    ]);
    expect(
      ['lambda:UpdateFunctionCode', 'signin:ConsoleLogin', 'iam:CreateUser', 's3:ListBuckets'].map((action) =>
        sigma.wants('cloudtrail', action),
      ),
    ).toEqual([true, true, true, false]);
  });

  it('refuses needles an escape could hide or that match everything', () => {
    for (const needle of ['', 'a\\u0041', 'tab\there']) {
      expect(() => new RecordFilter([{ source: 'cloudtrail', actions: '*', rawContains: [needle] }])).toThrow(
        NeedleError,
      );
    }
  });
});
