import { SigmaRuleError } from './errors.js';
import { type Expression, junction, negation } from './expression.js';

type Operator = 'and' | 'or' | 'not' | '(';

const TOKEN = /\s*(?:(\()|(\))|([^\s()]+))/y;
const PRECEDENCE = { or: 1, and: 2 } as const;

/**
 * Parses a Sigma condition into an expression over the rule's search identifiers: `and`, `or`, `not`,
 * parentheses, `1 of x*` / `all of x*` / `1 of them` / `all of them` (`them`: identifiers not starting with
 * `_`). Precedence from loose to tight: or, and, not, x of, parentheses. Iterative (shunting-yard), so a
 * condition nested thousands deep cannot overflow the stack while parsing.
 *
 *   parseCondition('selection and not 1 of filter_*', identifiers, 'detection.condition')
 */
export function parseCondition(
  condition: string,
  identifiers: ReadonlyMap<string, Expression>,
  where: string,
): Expression {
  const fail = (detail: string) => new SigmaRuleError('condition_invalid', where, detail);
  const words = tokens(condition, where);
  const output: Expression[] = [];
  const operators: Operator[] = [];
  const reduce = (operator: Operator) => {
    if (operator === 'not') {
      output.push(negation(output.pop() as Expression));
    } else if (operator !== '(') {
      const right = output.pop() as Expression;
      const left = output.pop() as Expression;
      output.push(junction(operator, [left, right]));
    }
  };
  const reduceNegations = () => {
    while (operators.at(-1) === 'not') reduce(operators.pop() as Operator);
  };
  let expectOperand = true;
  for (let index = 0; index < words.length; index += 1) {
    const word = words[index] as string;
    const lower = word.toLowerCase();
    if (expectOperand) {
      if (lower === 'not' || word === '(') {
        operators.push(lower === 'not' ? 'not' : '(');
        continue;
      }
      if (lower === '1' || lower === 'all') {
        if (words[index + 1]?.toLowerCase() !== 'of') throw fail(`expected 'of' after '${word}'`);
        const target = words[index + 2];
        if (target === undefined) throw fail(`'${word} of' needs 'them' or an identifier pattern`);
        const matched = ofTarget(target, identifiers, fail);
        output.push(junction(lower === 'all' ? 'and' : 'or', matched));
        index += 2;
      } else if (/^\d+$/.test(word) && words[index + 1]?.toLowerCase() === 'of') {
        throw fail(`'${word} of' is not Sigma: only '1 of' and 'all of' are`);
      } else if (isIdentifier(word) && !isKeyword(lower)) {
        const definition = identifiers.get(word);
        if (!definition)
          throw new SigmaRuleError('unknown_identifier', where, `no search identifier named '${word}'`);
        output.push(definition);
      } else {
        throw fail(`expected a search identifier, found '${word}'`);
      }
      reduceNegations();
      expectOperand = false;
      continue;
    }
    if (word === ')') {
      while (operators.length > 0 && operators.at(-1) !== '(') reduce(operators.pop() as Operator);
      if (operators.pop() !== '(') throw fail("unbalanced ')'");
      reduceNegations();
    } else if (lower === 'and' || lower === 'or') {
      while (
        operators.length > 0 &&
        operators.at(-1) !== '(' &&
        PRECEDENCE[operators.at(-1) as 'and' | 'or'] >= PRECEDENCE[lower]
      )
        reduce(operators.pop() as Operator);
      operators.push(lower);
      expectOperand = true;
    } else {
      throw fail(`expected 'and', 'or' or ')', found '${word}'`);
    }
  }
  if (expectOperand) throw fail(words.length === 0 ? 'empty condition' : 'the condition ends early');
  while (operators.length > 0) {
    const operator = operators.pop() as Operator;
    if (operator === '(') throw fail("unbalanced '('");
    reduce(operator);
  }
  return output[0] as Expression;
}

function tokens(condition: string, where: string): string[] {
  const words: string[] = [];
  TOKEN.lastIndex = 0;
  let match = TOKEN.exec(condition);
  while (match !== null && match[0] !== '') {
    words.push(match[1] ?? match[2] ?? (match[3] as string));
    match = TOKEN.exec(condition);
  }
  for (const word of words) {
    if (word.includes('|'))
      throw new SigmaRuleError(
        'condition_invalid',
        where,
        `aggregations ('${word}' …) were removed in Sigma v2: write a correlation rule`,
      );
    if (word.toLowerCase() === 'near')
      throw new SigmaRuleError(
        'condition_invalid',
        where,
        "'near' was removed in Sigma v2: write a temporal correlation rule",
      );
  }
  return words;
}

function isIdentifier(word: string): boolean {
  return /^[\w.\-*]+$/u.test(word) && !word.includes('*');
}

function isKeyword(word: string): boolean {
  return word === 'and' || word === 'or' || word === 'of' || word === 'them';
}

function ofTarget(
  target: string,
  identifiers: ReadonlyMap<string, Expression>,
  fail: (detail: string) => SigmaRuleError,
): Expression[] {
  const names = [...identifiers.keys()];
  const matched =
    target.toLowerCase() === 'them'
      ? names.filter((name) => !name.startsWith('_'))
      : names.filter((name) => identifierPattern(target, fail).test(name));
  if (matched.length === 0) throw fail(`'${target}' matches no search identifier`);
  return matched.map((name) => identifiers.get(name) as Expression);
}

function identifierPattern(pattern: string, fail: (detail: string) => SigmaRuleError): RegExp {
  if (!/^[\w.\-*]+$/u.test(pattern)) throw fail(`'${pattern}' is not an identifier pattern`);
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.-]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 'u');
}
