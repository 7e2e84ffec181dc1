import { describe, expect, it } from 'vitest';
import { isFalse, isTrue } from './flag.js';

describe('boolean flags as JSON or text', () => {
  it('reads booleans and their text, and nothing else', () => {
    expect([false, 'false', 'False', true, 'no', 0, null, undefined].map(isFalse)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect([true, 'true', 'TRUE', false, 'yes', 1, null].map(isTrue)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });
});
