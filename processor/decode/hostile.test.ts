import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runInstances } from '../../test/corpus/decode/records.js';
import { decodeFile, decodeJson, decodeRecord } from './index.js';

const origin = { input: 'hostile', offset: '0' };
const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

/** Keys that reach prototypes when copied with spread, Object.assign or obj[key] = value. */
const POISON =
  '"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}, "prototype": {"polluted": "yes"}';

function expectNoPollution(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
  expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
}

describe('hostile input', () => {
  afterEach(expectNoPollution);

  it('decodes records carrying __proto__/constructor/prototype keys at every level without pollution', () => {
    const record = JSON.stringify(runInstances())
      .replace(/^\{/, `{${POISON}, `)
      .replace('"requestParameters":{', `"requestParameters":{${POISON}, `);
    const identity = record.replace('"userIdentity":{', `"userIdentity":{${POISON}, `);
    const result = decodeRecord(Buffer.from(identity), origin);
    expect(result.events.map((event) => event.id)).toEqual(['ev-run-1']);
    const event = result.events[0];
    expect(Object.getPrototypeOf(event)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(event?.principal)).toBe(Object.prototype);
    expect(event?.principal?.name).toBe('alice');
  });

  it('does not mistake inherited properties for fields', () => {
    // A parsed object without own "constructor" must not read Object.prototype.constructor as a field.
    const result = decodeJson(
      JSON.parse('{"__proto__": {"eventSource": "ec2.amazonaws.com"}, "constructor": 1}'),
      origin,
    );
    expect(result.deadLetters.map((letter) => letter.reason)).toEqual(['unknown_format']);
  });

  it('keeps flow formats with prototype-ish column names own', () => {
    const result = decodeRecord(Buffer.from('7 1714564800 ACCEPT'), origin, {
      flowFormat: 'constructor start action',
    });
    expect(result.events[0]?.raw).toEqual({ constructor: '7', start: 1714564800, action: 'ACCEPT' });
    expect(Object.getPrototypeOf(result.events[0]?.raw)).toBe(Object.prototype);
  });

  it('survives hostile envelopes and Records from a file', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'shardwatch-hostile-')), 'records.json');
    writeFileSync(
      path,
      `{"Records": [{${POISON}}, ${JSON.stringify(runInstances()).replace(/^\{/, `{${POISON}, `)}]}`,
    );
    const reasons: string[] = [];
    let events = 0;
    for await (const batch of decodeFile(path)) {
      events += batch.events.length;
      reasons.push(...batch.deadLetters.map((letter) => letter.reason));
    }
    expect([events, reasons]).toEqual([1, ['unknown_format']]);
    const envelope = `{"messageType": "DATA_MESSAGE", ${POISON}, "logEvents": [{${POISON}, "message": "{${POISON.replaceAll('"', '\\"')}}"}]}`;
    expect(decodeRecord(Buffer.from(envelope), origin).deadLetters.map((letter) => letter.reason)).toEqual([
      'unknown_format',
    ]);
  });
});
