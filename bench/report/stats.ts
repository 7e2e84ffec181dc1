/**
 * Nearest-rank percentile of an ascending list; NaN for an empty one.
 *
 *   percentile([10, 20, 30, 40], 0.5) // 20
 */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] as number;
}
