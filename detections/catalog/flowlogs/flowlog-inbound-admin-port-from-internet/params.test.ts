import { describe, expect, it } from 'vitest';
import { adminPortParams } from './params.js';

describe('adminPortParams', () => {
  it('applies overrides over the defaults', () => {
    expect(adminPortParams({})).toEqual({ ports: [22, 3389] });
    expect(adminPortParams({ ports: [2222] })).toEqual({ ports: [2222] });
  });

  it('rejects anything but a non-empty list of ports', () => {
    for (const ports of [[], [22, 70_000], '22', [22.5]]) {
      expect(() => adminPortParams({ ports })).toThrow(
        `detections.flowlog-inbound-admin-port-from-internet.params.ports must be a non-empty list of ports (0-65535), got ${JSON.stringify(ports)}`,
      );
    }
  });
});
