import { flag, rdsDatabase } from '../rds-request.js';
import { request } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'rds-database-rebooted',
  title: 'RDS database rebooted or failed over',
  description:
    'An RDS instance, cluster or shard group was rebooted, or a cluster failed over. It interrupts every ' +
    'connection; logged for correlation (an outage, or a reboot to apply a changed parameter group or password).',
  severity: 'low',
  mitre: ['T1529', 'T1499'],
  tactics: ['impact'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.RDS.InstanceRebooted'] },
  runbook: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_RebootInstance.html',
  remediation:
    'Check it matches a maintenance or incident ticket; if not, ask the caller why, and look for a parameter ' +
    'group or password change just before (`aws rds describe-events --source-identifier <db> --duration 120`).',
  actions: [
    'rds:RebootDBInstance',
    'rds:RebootDBCluster',
    'rds:RebootDBShardGroup',
    'rds:FailoverDBCluster',
    'rds:FailoverGlobalCluster',
  ],
  match: (event) => {
    const database = rdsDatabase(event);
    const failover =
      event.action.startsWith('rds:Failover') || flag(request(event, 'forceFailover')) === true;
    const who = actor(event);
    return {
      key: `${event.account}:${database.resource.id}`,
      title: `${database.label} ${failover ? 'failed over' : 'rebooted'} by ${who}`,
      description: `${who} called ${event.action.slice(4)} on ${database.label}.`,
      resources: [database.resource],
    };
  },
});
