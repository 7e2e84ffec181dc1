import type { EventSource } from '../../schemas/types.js';
import { DecodeError } from './dead-letter.js';
import { DEFAULT_FLOW_FORMAT, type FlowFormat, parseFlowFormat } from './flow-format.js';
import { CloudTrailScan } from './prefilter.js';
import type { RawNeed } from './record-filter.js';

export interface DecodeOptions {
  /** Custom flow-log format, `${version} ${vpc-id} ...` or `version vpc-id ...`; default: version 2. */
  flowFormat?: string;
  /**
   * Prefilter: records nobody wants may be skipped (never a wanted one). `wants(source, '*')` is true
   * when every action of the source is wanted: the decoder then spares CloudTrail text its pre-parse scan.
   */
  wants?: (source: EventSource, action: string) => boolean;
  /**
   * With `wants`: for a wanted action, what a record's raw text must show to be wanted (null: every record of
   * the action): one of the needles, or with `changes`, no top-level `"readOnly": true`. Tested on the text
   * before parsing; a text with a backslash (an escape could hide a needle) is always parsed.
   */
  rawNeed?: (source: EventSource, action: string) => RawNeed | null;
  /** Default 1 MiB (the Kinesis record limit). */
  maxRecordBytes?: number;
  /**
   * Decode threads: read, unwrap and prefilter only, and leave each record's text to be parsed by the
   * pipeline's thread (`result.deferred`, see undefer): V8 builds objects from JSON.parse several times faster
   * than it copies them between threads.
   */
  defer?: boolean;
}

export const DEFAULT_MAX_RECORD_BYTES = 1_048_576;

/** Options resolved once per call: the flow format is parsed here, not per line. */
export interface DecodeContext {
  wants: ((source: EventSource, action: string) => boolean) | undefined;
  rawNeed: (source: EventSource, action: string) => RawNeed | null;
  /** Whether scanning CloudTrail text for its action before parsing can skip anything. */
  scanCloudTrail: boolean;
  /** The prefilter's scan of CloudTrail text, reused record after record. */
  scan: CloudTrailScan;
  defer: boolean;
  maxRecordBytes: number;
  /** An invalid format is kept as its error: every flow line is then dead-lettered with it. */
  flowFormat: FlowFormat | DecodeError;
}

/**
 * Resolves options into a context for the decoders.
 *
 *   const context = decodeContext({ flowFormat: 'version account-id start action' });
 */
export function decodeContext(options: DecodeOptions = {}): DecodeContext {
  const rawNeed = options.rawNeed ?? everyRecord;
  return {
    wants: options.wants,
    rawNeed,
    // A route that wants every record of every CloudTrail action makes every record wanted.
    scanCloudTrail:
      options.wants !== undefined &&
      (!options.wants('cloudtrail', '*') || rawNeed('cloudtrail', '*') !== null),
    scan: new CloudTrailScan(),
    defer: options.defer === true,
    maxRecordBytes: options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
    flowFormat:
      options.flowFormat === undefined ? DEFAULT_FLOW_FORMAT : tryParseFlowFormat(options.flowFormat),
  };
}

function everyRecord(): null {
  return null;
}

/** A flow format, or the reason it is unusable. */
export function tryParseFlowFormat(text: string): FlowFormat | DecodeError {
  try {
    return parseFlowFormat(text);
  } catch (error) {
    if (error instanceof DecodeError) return error;
    throw error;
  }
}
