import { hours } from '../../../operators/index.js';
import { flag } from '../rds-request.js';
import { request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'rds-snapshot-enumeration',
  title: 'Public or shared RDS snapshots listed',
  description:
    'DescribeDBSnapshots / DescribeDBClusterSnapshots asked for public or shared snapshots (`includePublic`, ' +
    '`includeShared`, or snapshotType public/shared): looking for databases other accounts expose, or checking ' +
    'that a snapshot shared out is visible. Tools like Pacu do this; consoles rarely. One finding per principal per hour.',
  severity: 'low',
  mitre: ['T1580', 'T1619'],
  tactics: ['discovery'],
  failedCalls: 'ignored',
  dedupPeriodMs: hours(1),
  panther: { rules: ['AWS.RDS.SnapshotEnumeration'] },
  runbook: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ShareSnapshot.html',
  remediation:
    'Ask the caller what it was looking for. If the principal should not be browsing snapshots, rotate its ' +
    'credentials and check for snapshot sharing or restores by it (`snapshot-or-image-shared`, `rds-instance-made-public`).',
  actions: ['rds:DescribeDBSnapshots', 'rds:DescribeDBClusterSnapshots'],
  match: (event) => {
    const type = text(request(event, 'snapshotType'))?.toLowerCase();
    const wanted = [
      flag(request(event, 'includePublic')) === true || type === 'public' ? 'public' : '',
      flag(request(event, 'includeShared')) === true || type === 'shared' ? 'shared' : '',
    ].filter((kind) => kind !== '');
    if (wanted.length === 0) return null;
    const who = actor(event);
    const kinds = wanted.join(' and ');
    return {
      key: `${event.account}:${who}`,
      title: `${kinds[0]?.toUpperCase()}${kinds.slice(1)} RDS snapshots listed by ${who}`,
      description: `${who} listed ${kinds} RDS ${event.action.includes('Cluster') ? 'cluster ' : ''}snapshots.`,
      context: { included: kinds },
    };
  },
});
