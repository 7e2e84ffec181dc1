import { DecodeBatch, type DecodeResult } from './batch.js';
import { type DeadLetter, DecodeError, type Origin } from './dead-letter.js';
import { type FlowFormat, parseFlowFormat } from './flow-format.js';
import { decodeFlowLine } from './flowlog.js';
import type { DecodeContext } from './options.js';
import { decodeTextInto } from './text.js';
import { type BatchMessage, FLOW_ID_LENGTH } from './thread-protocol.js';

/**
 * Parses the records a decode thread deferred (DecodeOptions.defer), in order, into events: what decoding
 * the file on this thread would have given, with skipped records and dead letters in the same places. Works
 * on the message as it arrives (arrays of texts and numbers): an origin is made only for a dead letter.
 *
 *   const deferred = new DeferredDecoder(decodeContext({ wants, needles }));
 *   const result = deferred.decode(message, 'trail.json.gz');
 */
export class DeferredDecoder {
  private readonly parsing: DecodeContext;
  private readonly flowFormats = new Map<string, FlowFormat>();

  constructor(context: DecodeContext) {
    // The thread scanned every deferred text already: none is skippable unparsed.
    this.parsing = { ...context, scanCloudTrail: false, defer: false };
  }

  decode(message: BatchMessage, input: string): DecodeResult {
    const batch = new DecodeBatch();
    const {
      texts,
      lengths,
      offsets,
      indexes,
      formatIds,
      flowIds,
      skippedTimes: skips,
      deadLetters,
    } = message;
    const formats = message.flowFormats.map((text) => this.flowFormat(text));
    const origin = (entry: number): Origin => {
      const index = indexes[entry] as number;
      const offset = String(offsets[entry]);
      return index < 0 ? { input, offset } : { input, offset, index };
    };
    let skip = 0;
    let letter = 0;
    const catchUp = (position: number): void => {
      for (; skip < skips.length && (skips[skip] as number) <= position; skip += 2) {
        batch.skip(skips[skip + 1] as number);
      }
      for (
        ;
        letter < deadLetters.length && (message.deadLetterPositions[letter] ?? 0) <= position;
        letter += 1
      ) {
        batch.deadLetters.push(deadLetters[letter] as DeadLetter);
      }
    };
    let from = 0;
    let flowId = 0;
    for (let entry = 0; entry < lengths.length; entry += 1) {
      catchUp(entry);
      const text = texts.slice(from, from + (lengths[entry] as number));
      from += lengths[entry] as number;
      const formatId = formatIds[entry] as number;
      if (formatId < 0) {
        decodeTextInto(text, origin(entry), this.parsing, batch);
        continue;
      }
      try {
        const id = flowIds.slice(flowId, flowId + FLOW_ID_LENGTH);
        flowId += FLOW_ID_LENGTH;
        batch.add(decodeFlowLine(text, formats[formatId] as FlowFormat, this.parsing, id));
      } catch (error) {
        if (!(error instanceof DecodeError)) throw error;
        batch.reject(origin(entry), error.reason, error.detail, text);
      }
    }
    catchUp(Number.POSITIVE_INFINITY);
    const decoded = batch.take();
    decoded.ignored += message.ignored;
    return decoded;
  }

  private flowFormat(text: string): FlowFormat {
    let format = this.flowFormats.get(text);
    if (format === undefined) {
      // The thread parsed this format already: it is valid.
      format = parseFlowFormat(text);
      this.flowFormats.set(text, format);
    }
    return format;
  }
}
