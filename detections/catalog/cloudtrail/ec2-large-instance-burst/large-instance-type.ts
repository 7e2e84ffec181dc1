/**
 * Whether an instance type is "large": bare metal, or a size of `<N>xlarge` with N ≥ minSize
 * (e.g. minSize 8: `c5.9xlarge`, `p4d.24xlarge`, `m7i.metal-24xl` are large; `m5.4xlarge` is not).
 *
 *   isLargeInstanceType('p4d.24xlarge', 8); // true
 *   isLargeInstanceType('t3.xlarge', 8);    // false
 */
export function isLargeInstanceType(instanceType: string | null, minSize: number): boolean {
  const size = instanceType?.split('.')[1];
  if (size === undefined) return false;
  if (size.startsWith('metal')) return true;
  const multiple = /^(\d+)xlarge$/.exec(size)?.[1];
  return multiple !== undefined && Number(multiple) >= minSize;
}
