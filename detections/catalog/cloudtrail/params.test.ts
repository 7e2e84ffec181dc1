import { describe, expect, it } from 'vitest';
import { InvalidDetectionParamError, paramReader } from './params.js';

describe('paramReader', () => {
  it('returns defaults for absent params and the configured value otherwise', () => {
    const read = paramReader('d', { regions: ['eu-west-1'], ports: [443] });
    expect(read.strings('regions', ['us-east-1'])).toEqual(['eu-west-1']);
    expect(read.strings('other', ['us-east-1'])).toEqual(['us-east-1']);
    expect(read.ports('ports', [22])).toEqual([443]);
    expect(read.ports('other', [22])).toEqual([22]);
  });

  it('rejects values of the wrong shape with the param path in the message', () => {
    const read = paramReader('ec2-x', { regions: 'us-east-1', ports: [22, 70000], names: ['a', ''] });
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
  });
});
