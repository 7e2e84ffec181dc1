import { readFileSync } from 'node:fs';
import avro from 'avsc';
import type { Finding, JsonValue, SecurityEvent } from './types.js';

/** Carries `raw` (any JSON) as an Avro string, so the original record survives the internal stream. */
class JsonLogicalType extends avro.types.LogicalType {
  override _fromValue(value: string): JsonValue {
    return JSON.parse(value) as JsonValue;
  }
  override _toValue(value: JsonValue): string {
    return JSON.stringify(value);
  }
  override _resolve(type: avro.Type): ((value: string) => string) | undefined {
    return avro.Type.isType(type, 'string', 'logical:json') ? (value: string) => value : undefined;
  }
}

function loadSchema(file: string): avro.Schema {
  return JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8')) as avro.Schema;
}

const registry: { [name: string]: avro.Type } = {};
const options = { logicalTypes: { json: JsonLogicalType }, registry };

export const securityEventType = avro.Type.forSchema(loadSchema('./security-event.avsc'), options);
export const findingType = avro.Type.forSchema(loadSchema('./finding.avsc'), options);

export function encodeEvent(event: SecurityEvent): Buffer {
  return securityEventType.toBuffer(event);
}

export function decodeEvent(buffer: Buffer): SecurityEvent {
  return securityEventType.fromBuffer(buffer) as SecurityEvent;
}

export function encodeFinding(finding: Finding): Buffer {
  return findingType.toBuffer(finding);
}

export function decodeFinding(buffer: Buffer): Finding {
  return findingType.fromBuffer(buffer) as Finding;
}
