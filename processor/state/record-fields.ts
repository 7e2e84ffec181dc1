/**
 * Defensive readers for CloudTrail request/response shapes: every reader accepts any value and
 * answers null / [] when the shape is not what AWS documents, so hostile input cannot throw.
 *
 *   field(raw, 'requestParameters', 'roleName'); // unknown
 *   text(field(raw, 'requestParameters', 'roleName')); // 'admin' or null
 */
export function field(value: unknown, ...path: readonly string[]): unknown {
  let current = value;
  for (const name of path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = Object.hasOwn(current, name) ? (current as Record<string, unknown>)[name] : undefined;
  }
  return current;
}

/** A non-empty string, or null. */
export function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** An integer given as a number or a numeric string (CloudTrail uses both for ports), or null. */
export function integer(value: unknown): number | null {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) ? number : null;
}

/** The elements of an EC2-style `{ items: [...] }` list, or of a plain array; [] otherwise. */
export function items(value: unknown): readonly unknown[] {
  if (Array.isArray(value)) return value;
  const inner = field(value, 'items');
  return Array.isArray(inner) ? inner : [];
}

/** `[{ key, value }]` tag lists (tagSet.items, tagSpecificationSet tags) as a record; bad pairs skipped. */
export function tagRecord(list: unknown): Record<string, string> {
  const pairs: [string, string][] = [];
  for (const tag of items(list)) {
    const key = text(field(tag, 'key'));
    const value = field(tag, 'value');
    if (key !== null) pairs.push([key, typeof value === 'string' ? value : '']);
  }
  // fromEntries defines own properties, so a hostile `__proto__` key stays a plain tag.
  return Object.fromEntries(pairs);
}

/** The last path segment of an ARN (`arn:aws:iam::1:role/path/name` → `name`), or the input if not an ARN. */
export function arnName(nameOrArn: string): string {
  if (!nameOrArn.startsWith('arn:')) return nameOrArn;
  const slash = nameOrArn.lastIndexOf('/');
  return slash >= 0 ? nameOrArn.slice(slash + 1) : nameOrArn;
}

/**
 * The key of an account-scoped IAM name (role, instance profile): `<account>/<name>`, the account taken from
 * the ARN when one is given, so the same role name in two accounts is two entries.
 *
 *   accountScoped('111122223333', 'ci')                                   // '111122223333/ci'
 *   accountScoped(null, 'arn:aws:iam::444455556666:role/service/deploy') // '444455556666/deploy'
 */
export function accountScoped(account: string | null, nameOrArn: string): string {
  const arnAccount = /^arn:aws[\w-]*:iam::(\d{12}):/.exec(nameOrArn)?.[1];
  return `${arnAccount ?? account ?? ''}/${arnName(nameOrArn)}`;
}
