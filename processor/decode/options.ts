import type { EventSource } from '../../schemas/types.js';
import { DecodeError } from './dead-letter.js';
import { DEFAULT_FLOW_FORMAT, type FlowFormat, parseFlowFormat } from './flow-format.js';
import { CloudTrailScan } from './prefilter.js';

export interface DecodeOptions {
  /** Custom flow-log format, `${version} ${vpc-id} ...` or `version vpc-id ...`; default: version 2. */
  flowFormat?: string;
  /**
   * Prefilter: records nobody wants may be skipped (never a wanted one). `wants(source, '*')` is true
   * when every action of the source is wanted: the decoder then spares CloudTrail text its pre-parse scan.
   */
  wants?: (source: EventSource, action: string) => boolean;
  /**
   * With `wants`: for a wanted action, the strings one of which a record's raw text must contain to be
   * wanted (null: every record of the action). Tested on the text before parsing; a text with a backslash
   * (an escape could hide a needle) is always parsed.
   */
  needles?: (source: EventSource, action: string) => readonly string[] | null;
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
  needles: (source: EventSource, action: string) => readonly string[] | null;
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
  const needles = options.needles ?? noNeedles;
  return {
    wants: options.wants,
    needles,
    // A route that wants every CloudTrail action without a needle makes every record wanted.
    scanCloudTrail:
      options.wants !== undefined &&
      (!options.wants('cloudtrail', '*') || needles('cloudtrail', '*') !== null),
    scan: new CloudTrailScan(),
    defer: options.defer === true,
    maxRecordBytes: options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
    flowFormat:
      options.flowFormat === undefined ? DEFAULT_FLOW_FORMAT : tryParseFlowFormat(options.flowFormat),
  };
}

function noNeedles(): null {
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
