// The `when:` condition language: a tokenizer, a Pratt parser and a tree-walking evaluator.
// Nothing here builds code: no eval, no Function, no property access on user-named objects beyond the
// own keys of the variables record, so a rule can never run code or reach the process.
//
//   expr     := or
//   or       := and ('||' and)*
//   and      := equality ('&&' equality)*
//   equality := compare (('==' | '!=') compare)?
//   compare  := sum (('<' | '<=' | '>' | '>=') sum)?       comparisons do not chain
//   sum      := product (('+' | '-') product)*
//   product  := unary (('*' | '/' | '%') unary)*
//   unary    := ('!' | '-') unary | primary
//   primary  := number | string | name | '(' expr ')'
//   name     := [A-Za-z_][A-Za-z0-9_]* ('.' [A-Za-z0-9_]+)*    dotted names are JSON field paths
//
// Values are numbers, strings and booleans. Strings that look like numbers (captures, JSON strings) are
// numbers in arithmetic and comparisons. A variable that has no value (an optional capture that did not
// participate, a missing JSON field, a runtime variable the caller did not supply) makes the whole
// condition false: the rule does not fire on what it cannot evaluate.

import type { Condition } from './types';

export type Value = string | number | boolean;
type Vars = Readonly<Record<string, string | number | boolean | undefined>>;

type Node =
  | { kind: 'num'; value: number; pos: number }
  | { kind: 'str'; value: string; pos: number }
  | { kind: 'var'; name: string; pos: number }
  | { kind: 'unary'; op: '!' | '-'; arg: Node; pos: number }
  | { kind: 'binary'; op: BinaryOp; left: Node; right: Node; pos: number };

type BinaryOp = '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%';

interface Token {
  type: 'num' | 'str' | 'name' | 'op' | 'end';
  text: string;
  value?: number | string;
  /** 0-based offset in the source. */
  pos: number;
}

export class ExpressionError extends Error {
  constructor(message: string, readonly pos: number) {
    super(message);
  }
}

const OPERATORS = ['||', '&&', '==', '!=', '<=', '>=', '<', '>', '+', '-', '*', '/', '%', '!', '(', ')'];
const MAX_LENGTH = 500;
const MAX_DEPTH = 50;

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const rest = source.slice(i);
    const num = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/.exec(rest);
    if (num) {
      if (/^[A-Za-z_]/.test(rest.slice(num[0].length))) {
        throw new ExpressionError(`unexpected '${rest.slice(num[0].length, num[0].length + 1)}' after number ${num[0]} (units are not supported: write 5000, not 5s)`, i + num[0].length);
      }
      tokens.push({ type: 'num', text: num[0], value: Number(num[0]), pos: i });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*/.exec(rest);
    if (name) {
      if (rest[name[0].length] === '.') throw new ExpressionError(`field path '${name[0]}.' must not end with '.'`, i + name[0].length);
      tokens.push({ type: 'name', text: name[0], pos: i });
      i += name[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let value = '';
      while (j < source.length && source[j] !== c) {
        if (source[j] === '\\' && j + 1 < source.length) j++;
        value += source[j];
        j++;
      }
      if (j >= source.length) throw new ExpressionError(`unterminated string starting at character ${i + 1}`, i);
      tokens.push({ type: 'str', text: source.slice(i, j + 1), value, pos: i });
      i = j + 1;
      continue;
    }
    const op = OPERATORS.find((o) => rest.startsWith(o));
    if (op) {
      tokens.push({ type: 'op', text: op, pos: i });
      i += op.length;
      continue;
    }
    const hint = c === '=' ? " (use '==' to compare)" : c === '&' ? " (use '&&')" : c === '|' ? " (use '||')" : '';
    throw new ExpressionError(`unexpected character '${c}'${hint}`, i);
  }
  tokens.push({ type: 'end', text: 'end of expression', pos: source.length });
  return tokens;
}

/** Binding power of binary operators; comparisons are non-associative. */
const BINARY: Record<string, number> = {
  '||': 1, '&&': 2, '==': 3, '!=': 3, '<': 4, '<=': 4, '>': 4, '>=': 4, '+': 5, '-': 5, '*': 6, '/': 6, '%': 6,
};
const UNARY_POWER = 7;

export function parseExpression(source: string): Node {
  if (source.length > MAX_LENGTH) throw new ExpressionError(`is longer than ${MAX_LENGTH} characters`, 0);
  const tokens = tokenize(source);
  let k = 0;
  let depth = 0;
  const peek = () => tokens[k]!;
  const next = () => tokens[k++]!;
  const describe = (t: Token) => (t.type === 'end' ? 'end of expression' : `'${t.text}'`);

  const parse = (minPower: number): Node => {
    if (++depth > MAX_DEPTH) throw new ExpressionError('is nested too deeply', peek().pos);
    let left = prefix();
    for (;;) {
      const t = peek();
      const power = t.type === 'op' ? BINARY[t.text] : undefined;
      if (power === undefined || power <= minPower) break;
      next();
      const right = parse(power);
      left = { kind: 'binary', op: t.text as BinaryOp, left, right, pos: t.pos };
      if (power === 3 || power === 4) {
        const after = peek();
        if (after.type === 'op' && BINARY[after.text] === power) {
          throw new ExpressionError(`comparisons cannot be chained: use && as in 'a < b && b < c' (at ${describe(after)})`, after.pos);
        }
      }
    }
    depth--;
    return left;
  };

  const prefix = (): Node => {
    const t = next();
    switch (t.type) {
      case 'num':
        return { kind: 'num', value: t.value as number, pos: t.pos };
      case 'str':
        return { kind: 'str', value: t.value as string, pos: t.pos };
      case 'name':
        if (peek().type === 'op' && peek().text === '(') {
          throw new ExpressionError(`'${t.text}(' looks like a function call; functions are not supported`, peek().pos);
        }
        return { kind: 'var', name: t.text, pos: t.pos };
      case 'op':
        if (t.text === '(') {
          const inner = parse(0);
          const close = next();
          if (close.text !== ')' || close.type !== 'op') throw new ExpressionError(`expected ')' but found ${describe(close)}`, close.pos);
          return inner;
        }
        if (t.text === '!' || t.text === '-') return { kind: 'unary', op: t.text, arg: parse(UNARY_POWER - 1), pos: t.pos };
        throw new ExpressionError(`unexpected ${describe(t)}`, t.pos);
      case 'end':
        throw new ExpressionError(source.trim() === '' ? 'is empty' : 'ends too early: an operand is missing', t.pos);
    }
  };

  const tree = parse(0);
  const rest = peek();
  if (rest.type !== 'end') throw new ExpressionError(`unexpected ${describe(rest)} (an operator is missing?)`, rest.pos);
  checkTypes(tree);
  return tree;
}

/** Strings can be compared with == and != only; anything else is a mistake worth reporting early. */
function checkTypes(node: Node): void {
  if (node.kind === 'unary') {
    if (node.op === '-' && node.arg.kind === 'str') throw new ExpressionError(`cannot negate the string ${JSON.stringify(node.arg.value)}`, node.pos);
    checkTypes(node.arg);
  } else if (node.kind === 'binary') {
    if (!['==', '!=', '&&', '||'].includes(node.op)) {
      for (const side of [node.left, node.right]) {
        if (side.kind === 'str') throw new ExpressionError(`cannot use the string ${JSON.stringify(side.value)} with '${node.op}' (strings only work with == and !=)`, side.pos);
      }
    }
    checkTypes(node.left);
    checkTypes(node.right);
  }
}

export function variablesOf(node: Node, into: string[] = []): string[] {
  if (node.kind === 'var' && !into.includes(node.name)) into.push(node.name);
  if (node.kind === 'unary') variablesOf(node.arg, into);
  if (node.kind === 'binary') {
    variablesOf(node.left, into);
    variablesOf(node.right, into);
  }
  return into;
}

class Missing extends Error {
  constructor(readonly variable: string) {
    super(variable);
  }
}

const NUMERIC = /^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

export function toNumber(v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return NUMERIC.test(v) ? Number(v) : NaN;
}

function truthy(v: Value): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  return v !== '';
}

function evaluateNode(node: Node, vars: Vars): Value {
  switch (node.kind) {
    case 'num':
    case 'str':
      return node.value;
    case 'var': {
      // Own keys only: `constructor` or `__proto__` must not reach Object.prototype.
      const v = Object.prototype.hasOwnProperty.call(vars, node.name) ? vars[node.name] : undefined;
      if (v === undefined || v === null) throw new Missing(node.name);
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw new Missing(node.name);
      return v;
    }
    case 'unary': {
      const v = evaluateNode(node.arg, vars);
      return node.op === '!' ? !truthy(v) : -toNumber(v);
    }
    case 'binary': {
      if (node.op === '&&') return truthy(evaluateNode(node.left, vars)) && truthy(evaluateNode(node.right, vars));
      if (node.op === '||') return truthy(evaluateNode(node.left, vars)) || truthy(evaluateNode(node.right, vars));
      const a = evaluateNode(node.left, vars);
      const b = evaluateNode(node.right, vars);
      switch (node.op) {
        case '==':
        case '!=': {
          const na = toNumber(a);
          const nb = toNumber(b);
          const equal = !Number.isNaN(na) && !Number.isNaN(nb) ? na === nb : String(a) === String(b);
          return node.op === '==' ? equal : !equal;
        }
        case '<':
          return toNumber(a) < toNumber(b);
        case '<=':
          return toNumber(a) <= toNumber(b);
        case '>':
          return toNumber(a) > toNumber(b);
        case '>=':
          return toNumber(a) >= toNumber(b);
        case '+':
          return toNumber(a) + toNumber(b);
        case '-':
          return toNumber(a) - toNumber(b);
        case '*':
          return toNumber(a) * toNumber(b);
        case '/':
          return toNumber(a) / toNumber(b);
        case '%':
          return toNumber(a) % toNumber(b);
      }
    }
  }
}

/** The outcome of a condition, with the variable that had no value when it could not be evaluated. */
export type ConditionResult = { value: boolean; missing?: undefined } | { value: false; missing: string };

export interface CompiledCondition extends Condition {
  /** Like `evaluate`, and says which variable had no value when that is why it is false. */
  check(vars: Vars): ConditionResult;
}

/** Compiles a `when:` source; throws ExpressionError (with a 0-based position) when it is not valid. */
export function compileCondition(source: string): CompiledCondition {
  const tree = parseExpression(source);
  if (tree.kind === 'num' || tree.kind === 'str' || (tree.kind === 'binary' && ['+', '-', '*', '/', '%'].includes(tree.op)) || (tree.kind === 'unary' && tree.op === '-')) {
    throw new ExpressionError('must be a condition such as duration > 1000, not a plain value', 0);
  }
  const check = (vars: Vars): ConditionResult => {
    try {
      return { value: truthy(evaluateNode(tree, vars)) };
    } catch (e) {
      if (e instanceof Missing) return { value: false, missing: e.variable };
      throw e;
    }
  };
  return {
    source,
    variables: variablesOf(tree),
    evaluate: (vars) => check(vars).value,
    check,
  };
}
