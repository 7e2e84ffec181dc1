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
    expect(filter.needles('cloudtrail', 's3:ListBuckets')).toEqual(['Root', '/i-']);
    expect([
      filter.wants('cloudtrail', 'ec2:RunInstances'),
      filter.needles('cloudtrail', 'ec2:RunInstances'),
    ]).toEqual([true, null]);
    expect([filter.wants('flowlog', 'ACCEPT'), filter.wants('guardduty', 'Recon:EC2/Portscan')]).toEqual([
      false,
      false,
    ]);
  });

  it("answers for '*' whether every action is wanted, and with which needles", () => {
    expect([filter.wants('cloudtrail', '*'), filter.needles('cloudtrail', '*')]).toEqual([
      true,
      ['Root', '/i-'],
    ]);
    const everything = new RecordFilter([{ source: 'cloudtrail', actions: '*' }]);
    expect(everything.needles('cloudtrail', '*')).toBeNull();
  });

  it('refuses needles an escape could hide or that match everything', () => {
    for (const needle of ['', 'a\\u0041', 'tab\there']) {
      expect(() => new RecordFilter([{ source: 'cloudtrail', actions: '*', rawContains: [needle] }])).toThrow(
        NeedleError,
      );
    }
  });
});
