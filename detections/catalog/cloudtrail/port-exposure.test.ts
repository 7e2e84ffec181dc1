import { describe, expect, it } from 'vitest';
import { exposedPorts, onlyPorts, portExposure } from './port-exposure.js';

describe('port exposure of a firewall rule', () => {
  it('reads protocols by name or number and ports as numbers or strings', () => {
    expect(portExposure('tcp', 22, 22)).toEqual({
      protocol: 'tcp',
      ports: { from: 22, to: 22 },
      label: 'tcp 22',
    });
    expect(portExposure('6', '443', '443').label).toBe('tcp 443');
    expect(portExposure('TCP', 8000, 8080).label).toBe('tcp 8000-8080');
    expect(portExposure('17', null, null).label).toBe('all udp ports');
    expect(portExposure(6, -1, -1).label).toBe('all tcp ports');
    expect(portExposure('-1', 0, 0)).toEqual({ protocol: 'all', ports: null, label: 'all traffic' });
    expect(portExposure(undefined, undefined, undefined).label).toBe('all traffic');
    expect(portExposure('icmp', 8, -1)).toEqual({ protocol: 'icmp', ports: null, label: 'icmp' });
    expect(portExposure('50', null, null).label).toBe('50');
    expect(portExposure({ odd: true }, 'x', [1]).label).toBe('all traffic');
  });

  it('finds the listed ports a rule lets through', () => {
    const admin = [22, 3389, 5432];
    expect(exposedPorts(portExposure('tcp', 20, 25), admin)).toEqual([22]);
    expect(exposedPorts(portExposure('-1', null, null), admin)).toEqual(admin);
    expect(exposedPorts(portExposure('udp', 1024, 65535), admin)).toEqual([3389, 5432]);
    expect(exposedPorts(portExposure('icmp', -1, -1), admin)).toEqual([]);
  });

  it('tells a rule limited to the listed ports from a wider one', () => {
    expect(onlyPorts(portExposure('tcp', 443, 443), [80, 443])).toBe(true);
    expect(onlyPorts(portExposure('tcp', 80, 443), [80, 443])).toBe(false);
    expect(onlyPorts(portExposure('-1', null, null), [80, 443])).toBe(false);
    expect(onlyPorts(portExposure('tcp', null, null), [80, 443])).toBe(false);
  });
});
