import type { JsonValue, Resource, SecurityEvent } from '../../../schemas/types.js';
import { request, response, text } from './record.js';

/** The database an RDS call acts on, as titles name it and findings list it. */
export interface RdsDatabase {
  /** e.g. `RDS instance orders-db`, `RDS cluster orders-aurora`. */
  label: string;
  resource: Resource;
}

/**
 * The instance or cluster of an RDS call: `dBClusterIdentifier` / `dBInstanceIdentifier` of the request (or
 * the response, for calls that name it there), or a `resourceArn`.
 *
 *   rdsDatabase(event).label // 'RDS cluster aurora-production'
 */
export function rdsDatabase(event: SecurityEvent): RdsDatabase {
  const read = (key: string) => text(request(event, key)) ?? text(response(event, key));
  const cluster = read('dBClusterIdentifier') ?? read('globalClusterIdentifier');
  const instance = read('dBInstanceIdentifier');
  const arn = read('resourceArn') ?? read('dBInstanceArn') ?? read('dBClusterArn');
  if (cluster !== null) {
    return { label: `RDS cluster ${cluster}`, resource: resource('AWS::RDS::DBCluster', cluster, event) };
  }
  if (instance !== null) {
    return { label: `RDS instance ${instance}`, resource: resource('AWS::RDS::DBInstance', instance, event) };
  }
  if (arn !== null) {
    const cluster = arn.includes(':cluster:');
    const name = arn.split(':').at(-1) ?? arn;
    return {
      label: `RDS ${cluster ? 'cluster' : 'instance'} ${name}`,
      resource: resource(cluster ? 'AWS::RDS::DBCluster' : 'AWS::RDS::DBInstance', arn, event),
    };
  }
  return { label: 'an RDS database', resource: resource('AWS::RDS::DBInstance', 'unknown', event) };
}

/** A boolean as RDS writes it (`true`), or as exports write it (`"true"`); null for anything else. */
export function flag(value: JsonValue | undefined): boolean | null {
  if (value === true || value === 'true' || value === 'True') return true;
  if (value === false || value === 'false' || value === 'False') return false;
  return null;
}

function resource(type: string, id: string, event: SecurityEvent): Resource {
  return { type, id, account: event.account };
}
