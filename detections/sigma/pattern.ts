/**
 * Sigma string values: text with wildcards (`*` any run, `?` one character), backslash escapes, the
 * character classes `windash` makes, and `%name%` placeholders that `expand` fills. Matching is linear in
 * practice and O(subject × pattern) at worst: no backtracking engine, so no value can stall the pipeline.
 */
export type PatternToken =
  | { kind: 'text'; text: string }
  | { kind: 'any' }
  | { kind: 'one' }
  | { kind: 'oneOf'; chars: string }
  | { kind: 'placeholder'; name: string };

/**
 * Parses a rule's string with Sigma's escapes: `\*`, `\?` and `\\` are the plain characters, any other
 * backslash is itself (so `C:\Windows\*` is a prefix, and `\\\\` two backslashes).
 *
 *   parsePattern('evil*.exe') // [text 'evil', any, text '.exe']
 */
export function parsePattern(value: string): PatternToken[] {
  const tokens: PatternToken[] = [];
  let text = '';
  const flush = () => {
    if (text !== '') tokens.push({ kind: 'text', text });
    text = '';
  };
  for (let index = 0; index < value.length; index += 1) {
    const char = value[index] as string;
    if (char === '\\') {
      const next = value[index + 1];
      if (next === '*' || next === '?' || next === '\\') {
        text += next;
        index += 1;
      } else {
        text += '\\';
      }
    } else if (char === '*') {
      flush();
      tokens.push({ kind: 'any' });
    } else if (char === '?') {
      flush();
      tokens.push({ kind: 'one' });
    } else {
      text += char;
    }
  }
  flush();
  return tokens;
}

export function hasWildcards(tokens: readonly PatternToken[]): boolean {
  return tokens.some((token) => token.kind !== 'text');
}

/** The value as plain text when it holds no wildcard, class or placeholder. */
export function plainText(tokens: readonly PatternToken[]): string | null {
  if (hasWildcards(tokens)) return null;
  return tokens.map((token) => (token.kind === 'text' ? token.text : '')).join('');
}

/** `contains` / `endswith`: a leading `*` unless there is one. */
export function withLeadingAny(tokens: readonly PatternToken[]): PatternToken[] {
  return tokens[0]?.kind === 'any' ? [...tokens] : [{ kind: 'any' }, ...tokens];
}

/** `contains` / `startswith`: a trailing `*` unless there is one. */
export function withTrailingAny(tokens: readonly PatternToken[]): PatternToken[] {
  return tokens.at(-1)?.kind === 'any' ? [...tokens] : [...tokens, { kind: 'any' }];
}

/** Concatenation, merging adjacent text. */
export function concatTokens(parts: readonly (readonly PatternToken[])[]): PatternToken[] {
  const tokens: PatternToken[] = [];
  for (const token of parts.flat()) {
    const last = tokens.at(-1);
    if (token.kind === 'text' && last?.kind === 'text')
      tokens[tokens.length - 1] = { kind: 'text', text: last.text + token.text };
    else if (token.kind !== 'text' || token.text !== '') tokens.push(token);
  }
  return tokens;
}

/** One character position of a segment: a literal, any character (null), or one of a class. */
type Unit = string | null | { chars: string };

interface Segment {
  /** The whole segment when it is plain text (fast path: indexOf/startsWith). */
  literal: string | null;
  units: Unit[];
}

/** A compiled pattern; `test` expects the subject lower-cased when the pattern is not cased. */
export interface PatternMatcher {
  readonly cased: boolean;
  test(subject: string): boolean;
}

/**
 * Compiles tokens (placeholders already expanded) into a matcher. Segments between `*` are found leftmost
 * first, which is exact for globs, so the cost is bounded by subject × pattern length.
 *
 *   patternMatcher(parsePattern('*\\evil.exe'), false).test('c:\\temp\\evil.exe') // true
 */
export function patternMatcher(tokens: readonly PatternToken[], cased: boolean): PatternMatcher {
  const fold = (text: string) => (cased ? text : text.toLowerCase());
  const segments: Segment[] = [{ literal: '', units: [] }];
  for (const token of tokens) {
    const segment = segments.at(-1) as Segment;
    if (token.kind === 'any') {
      segments.push({ literal: '', units: [] });
    } else if (token.kind === 'text') {
      const text = fold(token.text);
      segment.units.push(...text);
      if (segment.literal !== null) segment.literal += text;
    } else if (token.kind === 'one') {
      segment.units.push(null);
      segment.literal = null;
    } else if (token.kind === 'oneOf') {
      segment.units.push({ chars: fold(token.chars) });
      segment.literal = null;
    } else {
      throw new Error(`placeholder %${token.name}% must be expanded before matching`);
    }
  }
  const first = segments[0] as Segment;
  if (segments.length === 1) {
    const only = first;
    return {
      cased,
      test: (subject) =>
        only.literal !== null
          ? subject === only.literal
          : subject.length === only.units.length && matchesAt(subject, 0, only),
    };
  }
  const last = segments.at(-1) as Segment;
  const middle = segments.slice(1, -1).filter((segment) => segment.units.length > 0);
  return {
    cased,
    test(subject) {
      const end = subject.length - last.units.length;
      if (end < first.units.length) return false;
      if (!matchesAt(subject, 0, first) || !matchesAt(subject, end, last)) return false;
      let position = first.units.length;
      for (const segment of middle) {
        const found = find(subject, position, segment);
        if (found < 0 || found + segment.units.length > end) return false;
        position = found + segment.units.length;
      }
      return true;
    },
  };
}

function matchesAt(subject: string, position: number, segment: Segment): boolean {
  if (segment.literal !== null) return subject.startsWith(segment.literal, position);
  for (let index = 0; index < segment.units.length; index += 1) {
    const unit = segment.units[index] as Unit;
    const char = subject[position + index];
    if (char === undefined) return false;
    if (unit === null) continue;
    if (typeof unit === 'string' ? unit !== char : !unit.chars.includes(char)) return false;
  }
  return true;
}

function find(subject: string, from: number, segment: Segment): number {
  if (segment.literal !== null) return subject.indexOf(segment.literal, from);
  for (let position = from; position + segment.units.length <= subject.length; position += 1) {
    if (matchesAt(subject, position, segment)) return position;
  }
  return -1;
}

/** A string the pattern matches (wildcards as nothing or `x`, a class as its first character). */
export function patternWitness(tokens: readonly PatternToken[]): string {
  return tokens
    .map((token) => {
      if (token.kind === 'text') return token.text;
      if (token.kind === 'one') return 'x';
      if (token.kind === 'oneOf') return token.chars[0] ?? '';
      return '';
    })
    .join('');
}
