import { DecodeBatch, type DecodeResult } from './batch.js';
import type { DeadLetter, Origin } from './dead-letter.js';
import { parseFlowFormat } from './flow-format.js';
import type { DecodeContext } from './options.js';
import { decodeTextInto } from './text.js';

/**
 * Parses the records a decode thread deferred (DecodeOptions.defer), in order, into events: what decoding
 * the file on this thread would have given, with skipped records and dead letters in the same places.
 *
 *   const deferred = new DeferredDecoder(decodeContext({ wants, needles }));
 *   const result = deferred.decode(fromThread);
 */
export class DeferredDecoder {
  private readonly parsing: DecodeContext;
  /** One context per flow format met, so a flow line costs no context of its own. */
  private readonly byFlowFormat = new Map<string, DecodeContext>();

  constructor(context: DecodeContext) {
    // The thread scanned every deferred text already: none is skippable unparsed.
    this.parsing = { ...context, scanCloudTrail: false, defer: false };
  }

  decode(result: DecodeResult): DecodeResult {
    const deferred = result.deferred;
    if (deferred === undefined) return result;
    const batch = new DecodeBatch();
    const skips = result.skippedTimes ?? [];
    const letters = result.deadLetters;
    const letterPositions = result.deadLetterPositions ?? [];
    let skip = 0;
    let letter = 0;
    const catchUp = (position: number): void => {
      for (; skip < skips.length && (skips[skip] as number) <= position; skip += 2) {
        batch.skip(skips[skip + 1] as number);
      }
      for (; letter < letters.length && (letterPositions[letter] ?? 0) <= position; letter += 1) {
        batch.deadLetters.push(letters[letter] as DeadLetter);
      }
    };
    for (let index = 0; index < deferred.texts.length; index += 1) {
      catchUp(index);
      const format = deferred.flowFormats[index] ?? null;
      const context = format === null ? this.parsing : this.flowContext(format);
      decodeTextInto(deferred.texts[index] as string, deferred.origins[index] as Origin, context, batch);
    }
    catchUp(Number.POSITIVE_INFINITY);
    const decoded = batch.take();
    decoded.ignored += result.ignored;
    return decoded;
  }

  private flowContext(format: string): DecodeContext {
    let context = this.byFlowFormat.get(format);
    if (context === undefined) {
      // The thread parsed this format already: it is valid.
      context = { ...this.parsing, flowFormat: parseFlowFormat(format) };
      this.byFlowFormat.set(format, context);
    }
    return context;
  }
}
