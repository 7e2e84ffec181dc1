import { describe, expect, it } from 'vitest';
import { InvalidDetectionParamError, paramReader } from './params.js';

describe('paramReader', () => {
  it('returns defaults for absent params and the configured value otherwise', () => {
    const read = paramReader('d', { regions: ['eu-west-1'], ports: [443], count: 3, zero: 0, severity: 8.5 });
    expect(read.strings('regions', ['us-east-1'])).toEqual(['eu-west-1']);
    expect(read.strings('other', ['us-east-1'])).toEqual(['us-east-1']);
    expect(read.ports('ports', [22])).toEqual([443]);
    expect(read.ports('other', [22])).toEqual([22]);
    expect(read.ports('other', [], { nonEmpty: true })).toEqual([]);
    expect(read.positiveInteger('count', 10)).toBe(3);
    expect(read.positiveInteger('other', 10)).toBe(10);
    expect(read.nonNegativeInteger('zero', 5)).toBe(0);
    expect(read.nonNegativeInteger('other', 5)).toBe(5);
    expect(read.number('severity', 7, { min: 0, max: 10 })).toBe(8.5);
    expect(read.number('other', 7, { min: 0, max: 10 })).toBe(7);
  });

  it('returns lists the caller may change without touching the defaults', () => {
    const fallback = ['us-east-1'];
    paramReader('d', {}).strings('regions', fallback).push('eu-west-1');
    expect(fallback).toEqual(['us-east-1']);
  });

  it('rejects lists of the wrong shape with the param path in the message', () => {
    const read = paramReader('ec2-x', {
      regions: 'us-east-1',
      ports: [22, 70000],
      names: ['a', ''],
      none: [],
    });
    expect(() => read.strings('regions', [])).toThrow(
      new InvalidDetectionParamError(
        'ec2-x',
        'regions',
        'expected a list of non-empty strings, got "us-east-1"',
      ),
    );
    expect(() => read.strings('names', [])).toThrow('detections.ec2-x.params.names: expected a list');
    expect(() => read.ports('ports', [])).toThrow(
      'detections.ec2-x.params.ports: expected a list of port numbers 0-65535, got [22,70000]',
    );
    expect(read.ports('none', [22])).toEqual([]);
    expect(() => read.ports('none', [22], { nonEmpty: true })).toThrow(
      'detections.ec2-x.params.none: expected a non-empty list of port numbers 0-65535, got []',
    );
  });

  it.each([
    [0, 'positiveInteger'],
    [2.5, 'positiveInteger'],
    ['8', 'positiveInteger'],
    [null, 'positiveInteger'],
    [-1, 'nonNegativeInteger'],
    [0.5, 'nonNegativeInteger'],
  ] as const)('rejects %j as a %s', (value, kind) => {
    const expected = kind === 'positiveInteger' ? 'a positive integer' : 'a non-negative integer';
    expect(() => paramReader('d', { n: value })[kind]('n', 1)).toThrow(
      `detections.d.params.n: expected ${expected}, got ${JSON.stringify(value)}`,
    );
  });

  it.each([11, -0.1, '7', Number.NaN])('rejects %j as a number from 0 to 10', (value) => {
    expect(() => paramReader('d', { n: value }).number('n', 7, { min: 0, max: 10 })).toThrow(
      `detections.d.params.n: expected a number from 0 to 10, got ${JSON.stringify(value)}`,
    );
  });
});
