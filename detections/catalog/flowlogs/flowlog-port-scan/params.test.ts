import { describe, expect, it } from 'vitest';
import { portScanParams } from './params.js';

describe('portScanParams', () => {
  it('applies overrides over the defaults', () => {
    expect(portScanParams({})).toEqual({ minPorts: 25, windowMinutes: 1 });
    expect(portScanParams({ minPorts: 100, windowMinutes: 10 })).toEqual({
      minPorts: 100,
      windowMinutes: 10,
    });
  });

  it('rejects a bad value with the param path', () => {
    expect(() => portScanParams({ minPorts: '25' })).toThrow(
      'detections.flowlog-port-scan.params.minPorts must be a positive integer, got "25"',
    );
  });
});
