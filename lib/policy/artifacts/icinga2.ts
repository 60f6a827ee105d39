/**
 * The Icinga 2 configuration as written (monitoring/icinga2/*.conf), read
 * the way Icinga would apply it to each host: `object Host` with its
 * imported templates, `apply Service ... for (k => v in host.vars.X)` and
 * `object Service` with `host_name`, so a rule can ask "which disk checks
 * does this host get, with which thresholds?" of the files themselves, not
 * of the model they came from.
 *
 * It covers the configuration language the renderer and hand-written
 * configs use for this: literals, arrays, dictionaries, `+`, attribute
 * paths, `typeof`, `match`, `regex`, `len`, `in`, comparisons and boolean
 * operators. Anything else evaluates to "unknown"; an `assign where` that is
 * unknown does not apply (the linter errs towards reporting a missing check).
 */
import { LintInputError } from '../errors';

/* ------------------------------------------------------------------ tokens */

const enum K { Ident, Number, String, Op, Newline, Eof }

interface Token {
  readonly k: K;
  readonly t: string;
  readonly line: number;
  /** Number value (durations in seconds), or decoded string. */
  readonly v?: number | string;
}

const TOKEN_RE =
  /([ \t\r\f]+)|(\n)|(\/\/[^\n]*|#[^\n]*)|(\/\*[\s\S]*?\*\/)|("(?:[^"\\\n]|\\[\s\S])*")|(\{\{\{[\s\S]*?\}\}\})|(\d+(?:\.\d+)?)(ms|s|m|h|d)?(?![A-Za-z_])|([A-Za-z_][A-Za-z0-9_]*)|(=>|==|!=|&&|\|\||\+=|-=|\*=|\/=|<=|>=|<<|>>|[-+*/%!=<>(){}[\],.;:^&|~?])/y;

const DURATION: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

function decodeString(raw: string): string {
  let out = '';
  for (let i = 1; i < raw.length - 1; i++) {
    const ch = raw[i];
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = raw[++i];
    if (next === 'n') out += '\n';
    else if (next === 't') out += '\t';
    else if (next === 'r') out += '\r';
    else if (next === 'b') out += '\b';
    else if (next === 'f') out += '\f';
    else if (/[0-7]/.test(next)) {
      const oct = /^[0-7]{1,3}/.exec(raw.slice(i, i + 3))![0];
      out += String.fromCharCode(parseInt(oct, 8));
      i += oct.length - 1;
    } else out += next;
  }
  return out;
}

function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let line = 1;
  const n = text.length;
  while (pos < n) {
    // Fast paths for what configuration files are mostly made of; the regex handles the rest.
    const c = text.charCodeAt(pos);
    if (c === 32 || c === 9 || c === 13) {
      pos++;
      continue;
    }
    if (c === 10) {
      tokens.push({ k: K.Newline, t: '\n', line });
      line++;
      pos++;
      continue;
    }
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95) {
      let end = pos + 1;
      for (;;) {
        const d = text.charCodeAt(end);
        if ((d >= 97 && d <= 122) || (d >= 65 && d <= 90) || (d >= 48 && d <= 57) || d === 95) end++;
        else break;
      }
      tokens.push({ k: K.Ident, t: text.slice(pos, end), line });
      pos = end;
      continue;
    }
    if (c === 34) {
      let end = pos + 1;
      let plain = true;
      for (; end < n; end++) {
        const d = text.charCodeAt(end);
        if (d === 34 || d === 10) break;
        if (d === 92) {
          plain = false;
          end++;
        }
      }
      if (plain && end < n && text.charCodeAt(end) === 34) {
        const raw = text.slice(pos, end + 1);
        tokens.push({ k: K.String, t: raw, line, v: raw.slice(1, -1) });
        pos = end + 1;
        continue;
      }
    }
    if (c === 61 || c === 123 || c === 125 || c === 91 || c === 93 || c === 44 || c === 40 || c === 41) {
      // = { } [ ] , ( ): single-character operators unless `=>` or `==`
      const next = text.charCodeAt(pos + 1);
      if (!(c === 61 && (next === 62 || next === 61))) {
        tokens.push({ k: K.Op, t: text[pos], line });
        pos++;
        continue;
      }
    }
    TOKEN_RE.lastIndex = pos;
    const m = TOKEN_RE.exec(text);
    if (!m) {
      const ch = text[pos];
      const what = ch === '"' ? 'unterminated string' : ch === '/' && text[pos + 1] === '*' ? 'unterminated comment' : `unexpected character ${JSON.stringify(ch)}`;
      throw new LintInputError(file, `malformed Icinga 2 configuration at line ${line}: ${what}`);
    }
    pos = TOKEN_RE.lastIndex;
    if (m[1] !== undefined || m[3] !== undefined) continue;
    if (m[2] !== undefined) {
      tokens.push({ k: K.Newline, t: '\n', line });
      line++;
      continue;
    }
    if (m[4] !== undefined) {
      const newlines = m[4].split('\n').length - 1;
      if (newlines > 0) {
        tokens.push({ k: K.Newline, t: '\n', line });
        line += newlines;
      }
      continue;
    }
    if (m[5] !== undefined) tokens.push({ k: K.String, t: m[5], line, v: decodeString(m[5]) });
    else if (m[6] !== undefined) {
      tokens.push({ k: K.String, t: m[6], line, v: m[6].slice(3, -3) });
      line += m[6].split('\n').length - 1;
    } else if (m[7] !== undefined) tokens.push({ k: K.Number, t: m[0], line, v: Number(m[7]) * (m[8] ? DURATION[m[8]] : 1) });
    else if (m[9] !== undefined) tokens.push({ k: K.Ident, t: m[9], line });
    else tokens.push({ k: K.Op, t: m[10], line });
  }
  tokens.push({ k: K.Eof, t: '', line });
  return tokens;
}

/* ------------------------------------------------------------- expressions */

export type Expr =
  | { readonly e: 'lit'; readonly v: unknown }
  | { readonly e: 'ref'; readonly name: string }
  | { readonly e: 'get'; readonly obj: Expr; readonly key: Expr }
  | { readonly e: 'arr'; readonly items: readonly Expr[] }
  | { readonly e: 'dict'; readonly entries: readonly (readonly [string, Expr])[] }
  | { readonly e: 'bin'; readonly op: string; readonly l: Expr; readonly r: Expr }
  | { readonly e: 'un'; readonly op: string; readonly x: Expr }
  | { readonly e: 'call'; readonly fn: Expr; readonly args: readonly Expr[] }
  | { readonly e: 'unknown' };

const BINARY: Readonly<Record<string, number>> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, in: 7, '!in': 7,
  '<': 8, '>': 8, '<=': 8, '>=': 8, '<<': 9, '>>': 9, '+': 10, '-': 10, '*': 11, '/': 11, '%': 11,
};

/** A statement of an object body. */
type Statement =
  | { readonly s: 'set'; readonly path: readonly string[]; readonly op: '=' | '+='; readonly value: Expr }
  | { readonly s: 'import'; readonly name: Expr }
  | { readonly s: 'assign' | 'ignore'; readonly cond: Expr };

interface Block {
  readonly kind: 'object' | 'template' | 'apply';
  readonly type: string;
  readonly name: Expr;
  readonly body: readonly Statement[];
  readonly file: string;
  readonly line: number;
  readonly loop?: { readonly key: string | null; readonly value: string; readonly iterable: Expr };
}

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  private raw(ahead = 0): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)];
  }
  /** Next significant token; newlines are skipped inside brackets. */
  private peek(): Token {
    if (this.depth > 0) while (this.tokens[this.pos].k === K.Newline) this.pos++;
    return this.tokens[this.pos];
  }
  private isOp(t: Token, op: string): boolean {
    return t.k === K.Op && t.t === op;
  }
  private skipSeparators(): void {
    for (;;) {
      const t = this.tokens[this.pos];
      if (t.k === K.Newline || this.isOp(t, ';') || this.isOp(t, ',')) this.pos++;
      else return;
    }
  }

  /** Skips to the end of the current statement (newline or `;` at depth 0, or before a closing `}`). */
  private skipStatement(): void {
    let depth = 0;
    for (;;) {
      const t = this.tokens[this.pos];
      if (t.k === K.Eof) return;
      if (depth === 0 && (t.k === K.Newline || this.isOp(t, ';'))) return;
      if (depth === 0 && this.isOp(t, '}')) return;
      if (t.k === K.Op && (t.t === '(' || t.t === '[' || t.t === '{')) depth++;
      if (t.k === K.Op && (t.t === ')' || t.t === ']' || t.t === '}')) depth--;
      this.pos++;
    }
  }

  parseFile(file: string): Block[] {
    const blocks: Block[] = [];
    for (;;) {
      this.skipSeparators();
      const t = this.tokens[this.pos];
      if (t.k === K.Eof) return blocks;
      if (t.k === K.Ident && (t.t === 'object' || t.t === 'template' || t.t === 'apply')) {
        const block = this.parseBlock(file);
        if (block) blocks.push(block);
        continue;
      }
      this.skipStatement();
      if (this.isOp(this.tokens[this.pos], '}')) this.pos++;
    }
  }

  private parseBlock(file: string): Block | null {
    const start = this.tokens[this.pos++];
    const kind = start.t as Block['kind'];
    const typeToken = this.tokens[this.pos];
    if (typeToken.k !== K.Ident) {
      this.skipStatement();
      return null;
    }
    this.pos++;
    const name = this.parseExpr(BINARY['||'] + 1, true);
    let loop: Block['loop'];
    for (;;) {
      const t = this.tokens[this.pos];
      if (t.k === K.Ident && t.t === 'to') {
        this.pos += 2;
      } else if (t.k === K.Ident && t.t === 'for') {
        loop = this.parseLoop();
      } else if (t.k === K.Ident && (t.t === 'use' || t.t === 'ignore_on_error' || t.t === 'default')) {
        this.pos++;
        if (this.isOp(this.tokens[this.pos], '(')) this.skipBalanced();
      } else break;
    }
    if (!this.isOp(this.tokens[this.pos], '{')) {
      this.skipStatement();
      return null;
    }
    this.pos++;
    const body = this.parseBody();
    return { kind, type: typeToken.t, name, body, file, line: start.line, loop };
  }

  private skipBalanced(): void {
    let depth = 0;
    do {
      const t = this.tokens[this.pos++];
      if (t.k === K.Eof) return;
      if (t.k === K.Op && (t.t === '(' || t.t === '[' || t.t === '{')) depth++;
      if (t.k === K.Op && (t.t === ')' || t.t === ']' || t.t === '}')) depth--;
    } while (depth > 0);
  }

  private parseLoop(): Block['loop'] {
    this.pos++; // for
    if (!this.isOp(this.tokens[this.pos], '(')) return undefined;
    this.pos++;
    const first = this.tokens[this.pos++];
    let key: string | null = null;
    let value = first.t;
    if (this.isOp(this.tokens[this.pos], '=>')) {
      this.pos++;
      key = first.t;
      value = this.tokens[this.pos++].t;
    }
    const inToken = this.tokens[this.pos];
    if (!(inToken.k === K.Ident && inToken.t === 'in')) {
      this.skipBalanced();
      return undefined;
    }
    this.pos++;
    this.depth = 1;
    const iterable = this.parseExpr(0);
    this.depth = 0;
    while (this.tokens[this.pos].k === K.Newline) this.pos++;
    if (this.isOp(this.tokens[this.pos], ')')) this.pos++;
    return { key, value, iterable };
  }

  private parseBody(): Statement[] {
    const body: Statement[] = [];
    for (;;) {
      this.skipSeparators();
      const t = this.tokens[this.pos];
      if (t.k === K.Eof) return body;
      if (this.isOp(t, '}')) {
        this.pos++;
        return body;
      }
      const statement = this.parseStatement();
      if (statement) body.push(statement);
      else {
        this.skipStatement();
      }
    }
  }

  private parseStatement(): Statement | null {
    const t = this.tokens[this.pos];
    if (t.k !== K.Ident) return null;
    if (t.t === 'import') {
      this.pos++;
      return { s: 'import', name: this.parseExpr(0) };
    }
    if ((t.t === 'assign' || t.t === 'ignore') && this.raw(1).k === K.Ident && this.raw(1).t === 'where') {
      this.pos += 2;
      return { s: t.t, cond: this.parseExpr(0) };
    }
    // attribute path: a.b.c, a["b"]
    const save = this.pos;
    const path: string[] = [t.t];
    this.pos++;
    for (;;) {
      const n = this.tokens[this.pos];
      if (this.isOp(n, '.') && this.raw(1).k === K.Ident) {
        path.push(this.raw(1).t);
        this.pos += 2;
      } else if (this.isOp(n, '[') && this.raw(1).k === K.String && this.isOp(this.raw(2), ']')) {
        path.push(this.raw(1).v as string);
        this.pos += 3;
      } else break;
    }
    const op = this.tokens[this.pos];
    if (op.k === K.Op && (op.t === '=' || op.t === '+=')) {
      this.pos++;
      return { s: 'set', path, op: op.t, value: this.parseExpr(0) };
    }
    this.pos = save;
    return null;
  }

  private binaryOp(): { op: string; width: number } | null {
    const t = this.peek();
    if (t.k === K.Op) {
      if (t.t === '!' && this.raw(1).k === K.Ident && this.raw(1).t === 'in') return { op: '!in', width: 2 };
      if (t.t in BINARY) return { op: t.t, width: 1 };
      return null;
    }
    if (t.k === K.Ident && t.t === 'in') return { op: 'in', width: 1 };
    return null;
  }

  /** An expression; `stopAtBrace` ends it before `{` (object names). */
  parseExpr(minPrec: number, stopAtBrace = false): Expr {
    let left = this.parseUnary(stopAtBrace);
    for (;;) {
      const op = this.binaryOp();
      if (!op) return left;
      const prec = BINARY[op.op];
      if (prec < minPrec) return left;
      this.pos += op.width;
      const right = this.parseExpr(prec + 1, stopAtBrace);
      left = { e: 'bin', op: op.op, l: left, r: right };
    }
  }

  private parseUnary(stopAtBrace: boolean): Expr {
    const t = this.peek();
    if (t.k === K.Op && (t.t === '!' || t.t === '-' || t.t === '~')) {
      this.pos++;
      return { e: 'un', op: t.t, x: this.parseUnary(stopAtBrace) };
    }
    return this.parsePostfix(this.parsePrimary(stopAtBrace));
  }

  private parsePostfix(expr: Expr): Expr {
    for (;;) {
      const t = this.tokens[this.pos];
      if (this.isOp(t, '.') && this.raw(1).k === K.Ident) {
        expr = { e: 'get', obj: expr, key: { e: 'lit', v: this.raw(1).t } };
        this.pos += 2;
      } else if (this.isOp(t, '[')) {
        this.pos++;
        this.depth++;
        const key = this.parseExpr(0);
        this.expectClose(']');
        expr = { e: 'get', obj: expr, key };
      } else if (this.isOp(t, '(')) {
        this.pos++;
        this.depth++;
        const args: Expr[] = [];
        while (!this.isOp(this.peek(), ')') && this.peek().k !== K.Eof) {
          args.push(this.parseExpr(0));
          if (this.isOp(this.peek(), ',')) this.pos++;
          else break;
        }
        this.expectClose(')');
        expr = { e: 'call', fn: expr, args };
      } else return expr;
    }
  }

  private expectClose(op: string): void {
    const t = this.peek();
    this.depth--;
    if (this.isOp(t, op)) this.pos++;
  }

  private parsePrimary(stopAtBrace: boolean): Expr {
    const t = this.peek();
    if (t.k === K.String || t.k === K.Number) {
      this.pos++;
      return { e: 'lit', v: t.v };
    }
    if (t.k === K.Ident) {
      this.pos++;
      if (t.t === 'true' || t.t === 'false') return { e: 'lit', v: t.t === 'true' };
      if (t.t === 'null') return { e: 'lit', v: null };
      return { e: 'ref', name: t.t };
    }
    if (this.isOp(t, '(')) {
      this.pos++;
      this.depth++;
      const inner = this.parseExpr(0);
      this.expectClose(')');
      return inner;
    }
    if (this.isOp(t, '[')) {
      this.pos++;
      this.depth++;
      const items: Expr[] = [];
      while (!this.isOp(this.peek(), ']') && this.peek().k !== K.Eof) {
        items.push(this.parseExpr(0));
        if (this.isOp(this.peek(), ',')) this.pos++;
        else break;
      }
      this.expectClose(']');
      // Constant folding: a literal array is one literal (hosts.conf is mostly literals).
      return items.every((item) => item.e === 'lit') ? { e: 'lit', v: items.map((item) => (item as { v: unknown }).v) } : { e: 'arr', items };
    }
    if (this.isOp(t, '{') && !stopAtBrace) {
      this.pos++;
      const saved = this.depth;
      this.depth = 0;
      const entries: [string, Expr][] = [];
      let ok = true;
      for (;;) {
        this.skipSeparators();
        const k = this.tokens[this.pos];
        if (this.isOp(k, '}') || k.k === K.Eof) break;
        const eq = this.raw(1);
        if ((k.k === K.String || k.k === K.Ident) && eq.k === K.Op && eq.t === '=') {
          this.pos += 2;
          entries.push([k.k === K.String ? (k.v as string) : k.t, this.parseExpr(0)]);
        } else {
          ok = false;
          this.skipStatement();
          if (this.isOp(this.tokens[this.pos], '}')) break;
        }
      }
      if (this.isOp(this.tokens[this.pos], '}')) this.pos++;
      this.depth = saved;
      if (!ok) return { e: 'unknown' };
      if (entries.every(([, v]) => v.e === 'lit')) {
        const value: Record<string, unknown> = {};
        for (const [k, v] of entries) value[k] = (v as { v: unknown }).v;
        return { e: 'lit', v: value };
      }
      return { e: 'dict', entries };
    }
    return { e: 'unknown' };
  }
}

/* -------------------------------------------------------------- evaluation */

/** The value of an expression the linter cannot work out. */
export const UNKNOWN: unique symbol = Symbol('unknown');
type Value = unknown;
type Scope = Readonly<Record<string, Value>>;

function isDict(v: Value): v is Record<string, Value> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function typeName(v: Value): string {
  if (v === UNKNOWN) return 'Unknown';
  if (typeof v === 'string') return 'String';
  if (typeof v === 'number') return 'Number';
  if (typeof v === 'boolean') return 'Boolean';
  if (Array.isArray(v)) return 'Array';
  if (isDict(v)) return 'Dictionary';
  return 'Object';
}

const GLOBAL_TYPES = new Set(['Dictionary', 'Array', 'String', 'Number', 'Boolean', 'Object']);

function truthy(v: Value): boolean | typeof UNKNOWN {
  if (v === UNKNOWN) return UNKNOWN;
  if (Array.isArray(v)) return v.length > 0;
  if (isDict(v)) return Object.keys(v).length > 0;
  return Boolean(v);
}

function equal(a: Value, b: Value): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isDict(a) && isDict(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => equal(a[k], b[k]));
  }
  return a === b;
}

function icingaRegexMatch(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern).test(text);
  } catch {
    return false;
  }
}

function globMatch(pattern: string, text: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(text);
}

function stringify(v: Value): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) return '';
  return JSON.stringify(v);
}

export function evaluate(expr: Expr, scope: Scope, self?: Record<string, Value>): Value {
  switch (expr.e) {
    case 'lit': return expr.v;
    case 'unknown': return UNKNOWN;
    case 'ref': {
      if (Object.prototype.hasOwnProperty.call(scope, expr.name)) return scope[expr.name];
      if (self && Object.prototype.hasOwnProperty.call(self, expr.name)) return self[expr.name];
      if (GLOBAL_TYPES.has(expr.name)) return expr.name;
      return UNKNOWN;
    }
    case 'get': {
      const obj = evaluate(expr.obj, scope, self);
      const key = evaluate(expr.key, scope, self);
      if (obj === UNKNOWN || key === UNKNOWN) return UNKNOWN;
      if (isDict(obj) && typeof key === 'string') return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : null;
      if (Array.isArray(obj) && typeof key === 'number') return obj[key] ?? null;
      return null;
    }
    case 'arr': return expr.items.map((item) => evaluate(item, scope, self));
    case 'dict': {
      const out: Record<string, Value> = {};
      for (const [k, v] of expr.entries) out[k] = evaluate(v, scope, self);
      return out;
    }
    case 'un': {
      const x = evaluate(expr.x, scope, self);
      if (x === UNKNOWN) return UNKNOWN;
      if (expr.op === '!') return !truthy(x);
      if (expr.op === '-' && typeof x === 'number') return -x;
      return UNKNOWN;
    }
    case 'call': {
      if (expr.fn.e !== 'ref') return UNKNOWN;
      const args = expr.args.map((a) => evaluate(a, scope, self));
      if (args.includes(UNKNOWN)) return UNKNOWN;
      switch (expr.fn.name) {
        case 'typeof': return typeName(args[0]);
        case 'len': return Array.isArray(args[0]) ? args[0].length : isDict(args[0]) ? Object.keys(args[0]).length : typeof args[0] === 'string' ? args[0].length : UNKNOWN;
        case 'string': return stringify(args[0]);
        case 'number': return Number(args[0]);
        case 'match': return typeof args[0] === 'string' ? globMatch(args[0], stringify(args[1])) : UNKNOWN;
        case 'regex': return typeof args[0] === 'string' ? icingaRegexMatch(args[0], stringify(args[1])) : UNKNOWN;
        default: return UNKNOWN;
      }
    }
    case 'bin': {
      if (expr.op === '&&' || expr.op === '||') {
        const l = truthy(evaluate(expr.l, scope, self));
        if (expr.op === '&&' && l === false) return false;
        if (expr.op === '||' && l === true) return true;
        const r = truthy(evaluate(expr.r, scope, self));
        if (l === UNKNOWN || r === UNKNOWN) return expr.op === '&&' ? (r === false ? false : UNKNOWN) : r === true ? true : UNKNOWN;
        return r;
      }
      const l = evaluate(expr.l, scope, self);
      const r = evaluate(expr.r, scope, self);
      if (l === UNKNOWN || r === UNKNOWN) return UNKNOWN;
      switch (expr.op) {
        case '+':
          if (typeof l === 'number' && typeof r === 'number') return l + r;
          if (Array.isArray(l) && Array.isArray(r)) return [...l, ...r];
          if (isDict(l) && isDict(r)) return { ...l, ...r };
          if ((typeof l === 'string' || typeof r === 'string') && l !== null && r !== null) return stringify(l) + stringify(r);
          return UNKNOWN;
        case '-': return typeof l === 'number' && typeof r === 'number' ? l - r : UNKNOWN;
        case '*': return typeof l === 'number' && typeof r === 'number' ? l * r : UNKNOWN;
        case '/': return typeof l === 'number' && typeof r === 'number' ? l / r : UNKNOWN;
        case '==': return equal(l, r);
        case '!=': return !equal(l, r);
        case '<': case '>': case '<=': case '>=':
          if (typeof l !== typeof r || (typeof l !== 'number' && typeof l !== 'string')) return UNKNOWN;
          return expr.op === '<' ? (l as number) < (r as number) : expr.op === '>' ? (l as number) > (r as number) : expr.op === '<=' ? (l as number) <= (r as number) : (l as number) >= (r as number);
        case 'in': case '!in': {
          const found = Array.isArray(r) ? r.some((x) => equal(x, l)) : isDict(r) && typeof l === 'string' ? Object.prototype.hasOwnProperty.call(r, l) : UNKNOWN;
          if (found === UNKNOWN) return UNKNOWN;
          return expr.op === 'in' ? found : !found;
        }
        default: return UNKNOWN;
      }
    }
  }
}

/**
 * Sets `path` in `target`. Dictionaries on the way are copied on first write
 * (they may be literals shared with the parsed configuration, e.g. a
 * template's `vars`); `owned` holds the copies this object already made, so
 * an object setting many `vars.x` copies its `vars` once, not once per line.
 */
function setPath(target: Record<string, Value>, path: readonly string[], op: '=' | '+=', value: Value, owned: WeakSet<object>): void {
  let node = target;
  for (let i = 0; i < path.length - 1; i++) {
    const part = path[i];
    const child = node[part];
    if (isDict(child) && owned.has(child)) {
      node = child;
      continue;
    }
    const copy: Record<string, Value> = isDict(child) ? { ...child } : {};
    owned.add(copy);
    node[part] = copy;
    node = copy;
  }
  const last = path[path.length - 1];
  if (op === '+=') {
    const old = node[last];
    if (isDict(old) && isDict(value)) node[last] = { ...old, ...value };
    else if (Array.isArray(old) && Array.isArray(value)) node[last] = [...old, ...value];
    else if (typeof old === 'string' && typeof value === 'string') node[last] = old + value;
    else node[last] = value;
  } else {
    node[last] = value;
  }
}

/* ------------------------------------------------------------------ model */

export interface IcingaObject {
  readonly type: string;
  readonly name: string;
  /** Attributes after templates and the body, evaluated. */
  readonly attrs: Readonly<Record<string, Value>>;
  /** Template names imported (transitively), then the object's own name. */
  readonly templates: readonly string[];
  readonly file: string;
  readonly line: number;
}

/** A Service as Icinga would create it for a host. */
export interface IcingaService {
  readonly name: string;
  readonly hostName: string;
  readonly checkCommand: Value;
  readonly vars: Readonly<Record<string, Value>>;
  /** Where the `apply` rule or `object Service` is. */
  readonly file: string;
  readonly line: number;
}

export interface IcingaConfig {
  /** The .conf files read, as shown to the user. */
  readonly files: readonly string[];
  readonly hosts: ReadonlyMap<string, IcingaObject>;
  /** The services Icinga would create for this host (computed once per host). */
  servicesFor(hostName: string): readonly IcingaService[];
}

/** Decodes what a macro-resolved custom variable yields (`$$` is a literal `$`). */
export function macroText(value: Value): string | undefined {
  return typeof value === 'string' ? value.replace(/\$\$/g, '$') : undefined;
}

function buildObject(
  block: Block,
  templates: ReadonlyMap<string, Block>,
  scope: Scope,
  into: Record<string, Value>,
  imported: string[],
  seen: Set<Block> = new Set(),
  owned: WeakSet<object> = new WeakSet(),
): void {
  if (seen.has(block)) return;
  seen.add(block);
  for (const statement of block.body) {
    if (statement.s === 'import') {
      const name = evaluate(statement.name, scope, into);
      const template = typeof name === 'string' ? templates.get(`${block.type}\0${name}`) : undefined;
      if (template) {
        buildObject(template, templates, scope, into, imported, seen, owned);
        if (typeof name === 'string' && !imported.includes(name)) imported.push(name);
      }
    } else if (statement.s === 'set') {
      setPath(into, statement.path, statement.op, evaluate(statement.value, scope, into), owned);
    }
  }
}

/** Parses and indexes the .conf files (display name -> text), in the order given. */
export function parseIcingaConfig(files: readonly { readonly file: string; readonly text: string }[]): IcingaConfig {
  const blocks: Block[] = [];
  for (const { file, text } of files) blocks.push(...new Parser(tokenize(text, file)).parseFile(file));

  const templates = new Map<string, Block>();
  for (const block of blocks) {
    if (block.kind !== 'template') continue;
    const name = evaluate(block.name, {});
    if (typeof name === 'string') templates.set(`${block.type}\0${name}`, block);
  }

  const hosts = new Map<string, IcingaObject>();
  const explicitServices = new Map<string, IcingaService[]>();
  const serviceApplies: Block[] = [];
  for (const block of blocks) {
    if (block.kind === 'apply' && block.type === 'Service') serviceApplies.push(block);
    if (block.kind !== 'object') continue;
    const name = evaluate(block.name, {});
    if (typeof name !== 'string') continue;
    const attrs: Record<string, Value> = { name };
    const imported: string[] = [];
    buildObject(block, templates, {}, attrs, imported);
    const object: IcingaObject = { type: block.type, name, attrs, templates: [...imported, name], file: block.file, line: block.line };
    if (block.type === 'Host') hosts.set(name, object);
    if (block.type === 'Service') {
      const hostName = attrs.host_name;
      if (typeof hostName === 'string') {
        const list = explicitServices.get(hostName) ?? [];
        list.push({ name, hostName, checkCommand: attrs.check_command ?? null, vars: isDict(attrs.vars) ? attrs.vars : {}, file: block.file, line: block.line });
        explicitServices.set(hostName, list);
      }
    }
  }

  const cache = new Map<string, IcingaService[]>();
  const servicesFor = (hostName: string): readonly IcingaService[] => {
    const cached = cache.get(hostName);
    if (cached) return cached;
    const services = [...(explicitServices.get(hostName) ?? [])];
    const host = hosts.get(hostName);
    if (host) {
      const hostValue = { ...host.attrs, templates: host.templates };
      for (const block of serviceApplies) {
        const base: Record<string, Value> = { host: hostValue };
        const iterations: { scope: Scope; suffix: string }[] = [];
        if (block.loop) {
          const iterable = evaluate(block.loop.iterable, base);
          if (isDict(iterable)) {
            for (const [k, v] of Object.entries(iterable)) {
              const scope: Record<string, Value> = { ...base, [block.loop.value]: v };
              if (block.loop.key !== null) scope[block.loop.key] = k;
              iterations.push({ scope, suffix: k });
            }
          } else if (Array.isArray(iterable) && block.loop.key === null) {
            for (const v of iterable) iterations.push({ scope: { ...base, [block.loop.value]: v }, suffix: stringify(v) });
          }
        } else {
          iterations.push({ scope: base, suffix: '' });
        }
        for (const { scope, suffix } of iterations) {
          const conditions = block.body.filter((s): s is Extract<Statement, { s: 'assign' | 'ignore' }> => s.s === 'assign' || s.s === 'ignore');
          const assigned = conditions.some((c) => c.s === 'assign' && truthy(evaluate(c.cond, scope)) === true);
          const ignored = conditions.some((c) => c.s === 'ignore' && truthy(evaluate(c.cond, scope)) === true);
          if (!assigned || ignored) continue;
          const prefix = evaluate(block.name, scope);
          const attrs: Record<string, Value> = {};
          buildObject(block, templates, scope, attrs, []);
          services.push({
            name: `${typeof prefix === 'string' ? prefix : ''}${suffix}`,
            hostName,
            checkCommand: attrs.check_command ?? null,
            vars: isDict(attrs.vars) ? attrs.vars : {},
            file: block.file,
            line: block.line,
          });
        }
      }
    }
    cache.set(hostName, services);
    return services;
  };

  return { files: files.map((f) => f.file), hosts, servicesFor };
}
