/**
 * PromQL parser: binary operators with precedence and vector matching,
 * aggregations, function calls, selectors, ranges, subqueries, offset and @.
 */
import type { LabelMatcher, PromNode } from './ast';
import { PromQLSyntaxError, tokenize, type Token } from './lexer';

const AGGREGATIONS = new Set([
  'sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio',
]);
const PARAM_AGGREGATIONS = new Set(['count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio']);

const PRECEDENCE: Readonly<Record<string, number>> = {
  or: 1,
  and: 2, unless: 2,
  '==': 3, '!=': 3, '<=': 3, '<': 3, '>=': 3, '>': 3,
  '+': 4, '-': 4,
  '*': 5, '/': 5, '%': 5, atan2: 5,
  '^': 6,
};

class Parser {
  private pos = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)];
  }
  private next(): Token {
    return this.tokens[this.pos++];
  }
  private isOp(text: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === 'op' && t.text === text;
  }
  private isKeyword(word: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === 'ident' && t.text.toLowerCase() === word;
  }
  private expectOp(text: string): Token {
    const t = this.next();
    if (t.kind !== 'op' || t.text !== text) throw new PromQLSyntaxError(`expected "${text}", found ${JSON.stringify(t.text || 'end of expression')}`, t.offset);
    return t;
  }
  private expectDuration(): number {
    const t = this.next();
    if (t.kind === 'duration') return t.value as number;
    if (t.kind === 'number') return (t.value as number) * 1000;
    throw new PromQLSyntaxError(`expected a duration, found ${JSON.stringify(t.text || 'end of expression')}`, t.offset);
  }

  parseAll(): PromNode {
    const node = this.parseExpr(0);
    const t = this.peek();
    if (t.kind !== 'eof') throw new PromQLSyntaxError(`unexpected ${JSON.stringify(t.text)}`, t.offset);
    return node;
  }

  private binaryOp(): string | null {
    const t = this.peek();
    if (t.kind === 'op' && t.text in PRECEDENCE) return t.text;
    if (t.kind === 'ident') {
      const word = t.text.toLowerCase();
      if (word === 'and' || word === 'or' || word === 'unless' || word === 'atan2') return word;
    }
    return null;
  }

  private parseExpr(minPrec: number): PromNode {
    let left = this.parseUnary();
    for (;;) {
      const op = this.binaryOp();
      if (op === null) break;
      const prec = PRECEDENCE[op];
      if (prec < minPrec) break;
      this.next();
      let bool = false;
      if (this.isKeyword('bool')) {
        this.next();
        bool = true;
      }
      let matching: { mode: 'on' | 'ignoring'; labels: string[] } | null = null;
      if (this.isKeyword('on') || this.isKeyword('ignoring')) {
        const mode = this.next().text.toLowerCase() as 'on' | 'ignoring';
        matching = { mode, labels: this.parseLabelList() };
      }
      if (this.isKeyword('group_left') || this.isKeyword('group_right')) {
        this.next();
        if (this.isOp('(')) this.parseLabelList();
      }
      const right = this.parseExpr(op === '^' ? prec : prec + 1);
      left = { type: 'binary', op, left, right, bool, matching };
    }
    return left;
  }

  private parseUnary(): PromNode {
    if (this.isOp('-') || this.isOp('+')) {
      const op = this.next().text as '-' | '+';
      return { type: 'unary', op, expr: this.parseExpr(PRECEDENCE['^']) };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePostfix(node: PromNode): PromNode {
    for (;;) {
      if (this.isOp('[')) {
        this.next();
        const range = this.expectDuration();
        if (this.isOp(':')) {
          this.next();
          const step = this.isOp(']') ? null : this.expectDuration();
          this.expectOp(']');
          node = { type: 'subquery', expr: node, rangeMs: range, stepMs: step };
        } else {
          this.expectOp(']');
          if (node.type !== 'vector' || node.rangeMs !== undefined) {
            throw new PromQLSyntaxError('a range can only follow a vector selector', this.peek().offset);
          }
          node = { ...node, rangeMs: range };
        }
      } else if (this.isKeyword('offset')) {
        this.next();
        if (this.isOp('-')) this.next();
        this.expectDuration();
      } else if (this.isOp('@')) {
        this.next();
        const t = this.next();
        if (t.kind === 'ident' && (t.text === 'start' || t.text === 'end')) {
          this.expectOp('(');
          this.expectOp(')');
        } else if (t.kind !== 'number') {
          throw new PromQLSyntaxError('expected a timestamp after @', t.offset);
        }
      } else {
        return node;
      }
    }
  }

  private parsePrimary(): PromNode {
    const t = this.peek();
    if (t.kind === 'number') {
      this.next();
      return { type: 'number', value: t.value as number };
    }
    if (t.kind === 'duration') {
      this.next();
      return { type: 'number', value: (t.value as number) / 1000 };
    }
    if (t.kind === 'string') {
      this.next();
      return { type: 'string', value: t.value as string };
    }
    if (t.kind === 'op' && t.text === '(') {
      this.next();
      const expr = this.parseExpr(0);
      this.expectOp(')');
      return { type: 'paren', expr };
    }
    if (t.kind === 'op' && t.text === '{') {
      return this.parseSelector(null);
    }
    if (t.kind === 'ident') {
      const word = t.text.toLowerCase();
      if (AGGREGATIONS.has(word) && (this.isOp('(', 1) || this.isKeyword('by', 1) || this.isKeyword('without', 1))) {
        return this.parseAggregation();
      }
      if (this.isOp('(', 1)) {
        this.next();
        this.next();
        const args: PromNode[] = [];
        if (!this.isOp(')')) {
          for (;;) {
            args.push(this.parseExpr(0));
            if (this.isOp(',')) {
              this.next();
              if (this.isOp(')')) break;
              continue;
            }
            break;
          }
        }
        this.expectOp(')');
        return { type: 'call', func: t.text, args };
      }
      if (word === 'inf' || word === 'nan') {
        this.next();
        return { type: 'number', value: word === 'inf' ? Infinity : NaN };
      }
      this.next();
      return this.isOp('{') ? this.parseSelector(t.text) : { type: 'vector', name: t.text, matchers: [] };
    }
    throw new PromQLSyntaxError(`unexpected ${JSON.stringify(t.text || 'end of expression')}`, t.offset);
  }

  private parseLabelName(): string {
    const t = this.next();
    if (t.kind === 'ident') return t.text;
    if (t.kind === 'string') return t.value as string;
    throw new PromQLSyntaxError(`expected a label name, found ${JSON.stringify(t.text || 'end of expression')}`, t.offset);
  }

  private parseLabelList(): string[] {
    this.expectOp('(');
    const labels: string[] = [];
    while (!this.isOp(')')) {
      labels.push(this.parseLabelName());
      if (this.isOp(',')) this.next();
      else break;
    }
    this.expectOp(')');
    return labels;
  }

  private parseSelector(name: string | null): PromNode {
    this.expectOp('{');
    const matchers: LabelMatcher[] = [];
    let metric = name;
    while (!this.isOp('}')) {
      const first = this.next();
      if (first.kind === 'string' && (this.isOp(',') || this.isOp('}'))) {
        // Prometheus 3: a quoted metric name inside the braces.
        metric = first.value as string;
      } else {
        if (first.kind !== 'ident' && first.kind !== 'string') {
          throw new PromQLSyntaxError(`expected a label matcher, found ${JSON.stringify(first.text || 'end of expression')}`, first.offset);
        }
        const label = first.kind === 'ident' ? first.text : (first.value as string);
        const opToken = this.next();
        if (opToken.kind !== 'op' || !['=', '!=', '=~', '!~'].includes(opToken.text)) {
          throw new PromQLSyntaxError(`expected =, !=, =~ or !~ after label ${label}`, opToken.offset);
        }
        const value = this.next();
        if (value.kind !== 'string') throw new PromQLSyntaxError(`expected a quoted value for label ${label}`, value.offset);
        if (label === '__name__' && opToken.text === '=' && metric === null) metric = value.value as string;
        else matchers.push({ name: label, op: opToken.text as LabelMatcher['op'], value: value.value as string });
      }
      if (this.isOp(',')) this.next();
      else break;
    }
    this.expectOp('}');
    return { type: 'vector', name: metric, matchers };
  }

  private parseAggregation(): PromNode {
    const op = this.next().text.toLowerCase();
    let grouping: { mode: 'by' | 'without'; labels: string[] } | null = null;
    if (this.isKeyword('by') || this.isKeyword('without')) {
      const mode = this.next().text.toLowerCase() as 'by' | 'without';
      grouping = { mode, labels: this.parseLabelList() };
    }
    this.expectOp('(');
    let param: PromNode | null = null;
    if (PARAM_AGGREGATIONS.has(op)) {
      param = this.parseExpr(0);
      this.expectOp(',');
    }
    const expr = this.parseExpr(0);
    if (this.isOp(',')) this.next();
    this.expectOp(')');
    if (grouping === null && (this.isKeyword('by') || this.isKeyword('without'))) {
      const mode = this.next().text.toLowerCase() as 'by' | 'without';
      grouping = { mode, labels: this.parseLabelList() };
    }
    return { type: 'aggregation', op, grouping, param, expr };
  }
}

/** Parses a PromQL expression; throws PromQLSyntaxError. */
export function parsePromQL(src: string): PromNode {
  return new Parser(tokenize(src)).parseAll();
}
