import type { SecurityEvent } from '../../../schemas/types.js';
import { isPublicAddress } from './address-list.js';

/** The interface a flow record was captured on. */
export function interfaceOf(event: SecurityEvent): string | null {
  return event.source === 'flowlog' ? (event.flow?.interfaceId ?? null) : null;
}

/**
 * Accepted traffic leaving an interface for the internet: `flow-direction` egress when the format has it, else
 * a private source (the interface's own address) and a public destination.
 */
export function isEgressToInternet(event: SecurityEvent): boolean {
  const flow = event.flow;
  if (event.action !== 'ACCEPT' || flow === null || !isPublicAddress(flow.dstAddr)) return false;
  return flow.flowDirection === null ? !isPublicAddress(flow.srcAddr) : flow.flowDirection === 'egress';
}

/** Human-readable bytes: `1.5 GiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** The `size` largest flows by bytes (ties: smaller id first): a total order, so arrival order does not matter. */
export function keepLargest(largest: SecurityEvent[], event: SecurityEvent, size: number): SecurityEvent[] {
  const bytes = (e: SecurityEvent) => e.flow?.bytes ?? 0;
  const smallest = largest.at(-1);
  if (largest.length >= size && smallest !== undefined && bytes(event) < bytes(smallest)) return largest;
  const merged = [...largest, event].sort(
    (a, b) => bytes(b) - bytes(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return merged.slice(0, size);
}
