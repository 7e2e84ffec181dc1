import { describe, expect, it } from 'vitest';
import { isFalse, isTrue } from './flag.js';

describe('boolean flags as JSON or text', () => {
  it('reads booleans and their text, and nothing else', () => {
    const values = [false, 'false', 'False', true, 'true', 'TRUE', 'no', 0, 1, null, undefined];
    expect(values.filter(isFalse)).toEqual([false, 'false', 'False']);
    expect(values.filter(isTrue)).toEqual([true, 'true', 'TRUE']);
  });
});
