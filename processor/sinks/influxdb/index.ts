export { InfluxTransportError, InfluxWriteError } from './errors.js';
export { FINDING_MEASUREMENT, findingLine } from './finding-point.js';
export { InfluxDbSink, type InfluxDbSinkOptions } from './influxdb-sink.js';
export { InfluxLineWriter, type InfluxTarget } from './line-writer.js';
