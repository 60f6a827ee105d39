/**
 * A PromQL parser, enough to answer what the policy rules ask of an
 * expression as written: which series it selects with which label
 * matchers, whether an aggregation drops a label on the way, which range
 * a trend function looks at, and what it is compared with. Parses the
 * whole grammar Prometheus 2.x/3.x rule files use (binary operators with
 * precedence and vector matching, aggregations with by/without before or
 * after the arguments, functions, range selectors, subqueries, offset, @).
 */

export interface LabelMatcher {
  readonly name: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

export type PromNode =
  | { readonly type: 'number'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | {
      readonly type: 'vector';
      /** Metric name, or null for `{__name__=...}` / `{...}` forms (see matchers). */
      readonly name: string | null;
      readonly matchers: readonly LabelMatcher[];
      /** Range in milliseconds for a range selector (`x[5m]`). */
      readonly rangeMs?: number;
    }
  | {
      readonly type: 'aggregation';
      readonly op: string;
      readonly grouping: { readonly mode: 'by' | 'without'; readonly labels: readonly string[] } | null;
      readonly param: PromNode | null;
      readonly expr: PromNode;
    }
  | { readonly type: 'call'; readonly func: string; readonly args: readonly PromNode[] }
  | {
      readonly type: 'binary';
      readonly op: string;
      readonly left: PromNode;
      readonly right: PromNode;
      readonly bool: boolean;
      readonly matching: { readonly mode: 'on' | 'ignoring'; readonly labels: readonly string[] } | null;
    }
  | { readonly type: 'unary'; readonly op: '-' | '+'; readonly expr: PromNode }
  | { readonly type: 'paren'; readonly expr: PromNode }
  | { readonly type: 'subquery'; readonly expr: PromNode; readonly rangeMs: number; readonly stepMs: number | null };

export type VectorNode = Extract<PromNode, { type: 'vector' }>;

export class PromQLSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at offset ${offset}`);
    this.name = 'PromQLSyntaxError';
  }
}

const AGGREGATIONS = new Set([
  'sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio',
]);
const PARAM_AGGREGATIONS = new Set(['count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio']);
/** Aggregations that select series and keep their labels. */
const SELECTING_AGGREGATIONS = new Set(['topk', 'bottomk', 'limitk', 'limit_ratio']);

const PRECEDENCE: Readonly<Record<string, number>> = {
  or: 1,
  and: 2, unless: 2,
  '==': 3, '!=': 3, '<=': 3, '<': 3, '>=': 3, '>': 3,
  '+': 4, '-': 4,
  '*': 5, '/': 5, '%': 5, atan2: 5,
  '^': 6,
};
const COMPARISONS = new Set(['==', '!=', '<=', '<', '>=', '>']);

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };

type TokenKind = 'ident' | 'number' | 'duration' | 'string' | 'op' | 'eof';
interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly offset: number;
  /** Parsed value: number for number/duration (ms), string for string. */
  readonly value?: number | string;
}

function parseDuration(text: string, offset: number): number {
  const re = /(\d+)(ms|s|m|h|d|w|y)/y;
  let pos = 0;
  let total = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) throw new PromQLSyntaxError(`bad duration ${JSON.stringify(text)}`, offset);
    total += Number(m[1]) * DURATION_UNITS[m[2]];
    pos = re.lastIndex;
  }
  return total;
}

function unquote(raw: string, offset: number): string {
  const quote = raw[0];
  const body = raw.slice(1, -1);
  if (quote === '`') return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = body[++i];
    switch (next) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'a': out += '\x07'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case '\\': case '"': case "'": out += next; break;
      case 'x': out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16)); i += 2; break;
      case 'u': out += String.fromCharCode(parseInt(body.slice(i + 1, i + 5), 16)); i += 4; break;
      case 'U': out += String.fromCodePoint(parseInt(body.slice(i + 1, i + 9), 16)); i += 8; break;
      default:
        if (next !== undefined && /[0-7]/.test(next)) {
          out += String.fromCharCode(parseInt(body.slice(i, i + 3), 8));
          i += 2;
        } else {
          throw new PromQLSyntaxError(`unknown escape \\${next ?? ''} in string`, offset);
        }
    }
  }
  return out;
}

const TOKEN_RE =
  /\s+|#[^\n]*|("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`)|(0[xX][0-9a-fA-F]+|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)((?:\d*(?:ms|s|m|h|d|w|y))*)|([a-zA-Z_][a-zA-Z0-9_:]*|:[a-zA-Z_:][a-zA-Z0-9_:]*)|(==|!=|=~|!~|<=|>=|[<>=+\-*/%^(){}[\],@:])/y;

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < src.length) {
    TOKEN_RE.lastIndex = pos;
    const m = TOKEN_RE.exec(src);
    if (!m || m.index !== pos) throw new PromQLSyntaxError(`unexpected character ${JSON.stringify(src[pos])}`, pos);
    const offset = pos;
    pos = TOKEN_RE.lastIndex;
    if (m[1] !== undefined) tokens.push({ kind: 'string', text: m[1], offset, value: unquote(m[1], offset) });
    else if (m[2] !== undefined) {
      if (m[3]) {
        // A duration: digits then units (`5m`, `1h30m`); the number part must be an integer.
        const text = m[2] + m[3];
        tokens.push({ kind: 'duration', text, offset, value: parseDuration(text, offset) });
      } else {
        tokens.push({ kind: 'number', text: m[2], offset, value: Number(m[2]) });
      }
    } else if (m[4] !== undefined) tokens.push({ kind: 'ident', text: m[4], offset });
    else if (m[5] !== undefined) tokens.push({ kind: 'op', text: m[5], offset });
  }
  tokens.push({ kind: 'eof', text: '', offset: src.length });
  return tokens;
}

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

function children(node: PromNode): PromNode[] {
  switch (node.type) {
    case 'aggregation': return node.param ? [node.param, node.expr] : [node.expr];
    case 'call': return [...node.args];
    case 'binary': return [node.left, node.right];
    case 'unary': case 'paren': case 'subquery': return [node.expr];
    default: return [];
  }
}

/** A vector selector and the nodes above it, root first. */
export interface SelectorUse {
  readonly selector: VectorNode;
  readonly ancestors: readonly PromNode[];
}

/** Every vector selector of the expression with its ancestors. */
export function selectorUses(root: PromNode): SelectorUse[] {
  const out: SelectorUse[] = [];
  const walk = (node: PromNode, ancestors: PromNode[]) => {
    if (node.type === 'vector') {
      out.push({ selector: node, ancestors: [...ancestors] });
      return;
    }
    ancestors.push(node);
    for (const child of children(node)) walk(child, ancestors);
    ancestors.pop();
  };
  walk(root, []);
  return out;
}

/** Whether `node` contains `target` (by identity). */
export function contains(node: PromNode, target: PromNode): boolean {
  if (node === target) return true;
  return children(node).some((child) => contains(child, target));
}

const regexCache = new Map<string, RegExp | null>();

/**
 * A Prometheus (RE2, fully anchored) regex as a JS RegExp; null when JS
 * cannot compile it. Leading `(?i)`/`(?s)` flags are honoured.
 */
export function promRegex(source: string): RegExp | null {
  let cached = regexCache.get(source);
  if (cached !== undefined) return cached;
  let flags = '';
  let body = source;
  const flagMatch = /^\(\?([is]+)\)/.exec(body);
  if (flagMatch) {
    flags = [...new Set(flagMatch[1])].join('');
    body = body.slice(flagMatch[0].length);
  }
  try {
    cached = new RegExp(`^(?:${body})$`, flags);
  } catch {
    cached = null;
  }
  regexCache.set(source, cached);
  return cached;
}

/** Whether a matcher matches a label set (an absent label is the empty string, as in Prometheus). */
export function matcherMatches(matcher: LabelMatcher, labels: Readonly<Record<string, string>>): boolean {
  const value = labels[matcher.name] ?? '';
  switch (matcher.op) {
    case '=': return value === matcher.value;
    case '!=': return value !== matcher.value;
    case '=~': {
      const re = promRegex(matcher.value);
      return re !== null && re.test(value);
    }
    case '!~': {
      const re = promRegex(matcher.value);
      return re !== null && !re.test(value);
    }
  }
}

/** Whether a selector would select a series with this name and these labels. */
export function selectorMatches(selector: VectorNode, metric: string, labels: Readonly<Record<string, string>>): boolean {
  if (selector.name !== null && selector.name !== metric) return false;
  for (const m of selector.matchers) {
    if (!matcherMatches(m, m.name === '__name__' ? { __name__: metric } : labels)) return false;
  }
  return true;
}

/**
 * Whether every aggregation above the selector keeps `label` (so the alert
 * fires per value of it: per filesystem, per process group, per queue).
 */
export function keepsLabel(use: SelectorUse, label: string): boolean {
  for (const node of use.ancestors) {
    if (node.type !== 'aggregation' || SELECTING_AGGREGATIONS.has(node.op)) continue;
    if (node.param !== null && contains(node.param, use.selector)) continue;
    if (node.grouping === null) return false;
    const listed = node.grouping.labels.includes(label);
    if (node.grouping.mode === 'by' ? !listed : listed) return false;
  }
  return true;
}

const TREND_FUNCTIONS = new Set(['predict_linear', 'deriv', 'rate', 'irate', 'delta', 'idelta', 'increase', 'holt_winters', 'double_exponential_smoothing']);

/**
 * The window of the trend function applied to this selector (ms): the
 * selector's own range inside `predict_linear`/`deriv`/..., or the range of
 * a subquery it sits in. undefined when the selector is not under a trend function.
 */
export function trendWindowMs(use: SelectorUse): number | undefined {
  let window: number | undefined = use.selector.rangeMs;
  let underTrend = false;
  for (let i = use.ancestors.length - 1; i >= 0; i--) {
    const node = use.ancestors[i];
    if (node.type === 'subquery' && window === undefined) window = node.rangeMs;
    if (node.type === 'call' && TREND_FUNCTIONS.has(node.func)) {
      underTrend = true;
      break;
    }
  }
  return underTrend ? window : undefined;
}

/**
 * The number this selector is compared with by a comparison operator
 * (`<selector expr> < 3`), with the operator as seen from the selector's
 * side; undefined when it is not compared with a literal.
 */
export function comparedWithNumber(use: SelectorUse): { op: string; value: number } | undefined {
  const flip: Record<string, string> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=', '==': '==', '!=': '!=' };
  let child: PromNode = use.selector;
  for (let i = use.ancestors.length - 1; i >= 0; i--) {
    const node = use.ancestors[i];
    if (node.type === 'binary' && COMPARISONS.has(node.op)) {
      const other = node.left === child ? node.right : node.left;
      const literal = numberValue(other);
      if (literal !== undefined) return { op: node.left === child ? node.op : flip[node.op], value: literal };
      return undefined;
    }
    child = node;
  }
  return undefined;
}

function numberValue(node: PromNode): number | undefined {
  if (node.type === 'number') return node.value;
  if (node.type === 'paren') return numberValue(node.expr);
  if (node.type === 'unary') {
    const v = numberValue(node.expr);
    return v === undefined ? undefined : node.op === '-' ? -v : v;
  }
  return undefined;
}
