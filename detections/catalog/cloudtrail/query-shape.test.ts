import { describe, expect, it } from 'vitest';
import { oneOrMany, scalar, scalars } from './query-shape.js';

describe('EC2 query-API shapes in CloudTrail', () => {
  it('read list members written as { content, tag } or bare', () => {
    expect(scalar({ content: 'fl-1', tag: 1 })).toBe('fl-1');
    expect(scalar('fl-2')).toBe('fl-2');
    expect(scalar(22)).toBe('22');
    expect(scalar({ tag: 1 })).toBeNull();
    expect(scalar(null)).toBeNull();
  });

  it('read one-member lists written as an object and longer ones as an array', () => {
    expect(oneOrMany({ a: 1 })).toEqual([{ a: 1 }]);
    expect(oneOrMany([1, 2])).toEqual([1, 2]);
    expect([oneOrMany(undefined), oneOrMany(null), oneOrMany('')]).toEqual([[], [], []]);
    expect(scalars({ content: 'fl-1', tag: 1 })).toEqual(['fl-1']);
    expect(scalars([{ content: 'fl-1', tag: 1 }, { content: 'fl-2', tag: 2 }, { tag: 3 }])).toEqual([
      'fl-1',
      'fl-2',
    ]);
    expect(scalars(['fl-3'])).toEqual(['fl-3']);
  });
});
