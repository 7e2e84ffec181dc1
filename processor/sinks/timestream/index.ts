export { COMMON_ATTRIBUTES, findingRecord, SEVERITY_LEVEL, UNKNOWN_DIMENSION } from './finding-record.js';
export { rejectionReason, type TimestreamRejection } from './rejection-reason.js';
export { TIMESTREAM_MAX_BATCH, TimestreamSink, type TimestreamSinkOptions } from './timestream-sink.js';
