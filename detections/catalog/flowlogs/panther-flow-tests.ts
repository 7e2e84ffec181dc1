/**
 * Why Panther's VPC flow rule tests cannot agree: their logs are Panther's JSON form of a flow record without
 * start and end times (or OCSF records), so shardwatch cannot place them in event time.
 */
export const NO_START_TIME =
  'Panther flow test logs carry no start time (nor action): shardwatch cannot place them in event time and ' +
  'dead-letters them (missing_field: start, action); fixtures replay real flow-log lines instead';

export const OCSF_RECORD =
  'an OCSF network activity record, not a VPC flow log record: shardwatch dead-letters it (unknown_format)';
