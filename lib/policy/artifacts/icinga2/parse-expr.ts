/**
 * Icinga 2 expression parser: precedence climbing over binary operators,
 * unary operators, attribute access, calls, arrays and dictionaries (literal
 * ones folded to constants). The base of the block parser in parse.ts.
 */
import type { Expr } from './ast';
import * as tokenizer from './tokenize';
import type { Token } from './tokenize';

// A local alias, not a named import: under tsx (esbuild, one file at a time) a named import of
// the enum is read through an export getter on every `K.x`; tsc inlines the values either way.
import K = tokenizer.K;

export const BINARY: Readonly<Record<string, number>> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, in: 7, '!in': 7,
  '<': 8, '>': 8, '<=': 8, '>=': 8, '<<': 9, '>>': 9, '+': 10, '-': 10, '*': 11, '/': 11, '%': 11,
};

export class ExprParser {
  protected pos = 0;
  protected depth = 0;
  constructor(protected readonly tokens: readonly Token[]) {}

  protected raw(ahead = 0): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)];
  }
  /** Next significant token; newlines are skipped inside brackets. */
  private peek(): Token {
    if (this.depth > 0) while (this.tokens[this.pos].k === K.Newline) this.pos++;
    return this.tokens[this.pos];
  }
  protected isOp(t: Token, op: string): boolean {
    return t.k === K.Op && t.t === op;
  }
  protected skipSeparators(): void {
    for (;;) {
      const t = this.tokens[this.pos];
      if (t.k === K.Newline || this.isOp(t, ';') || this.isOp(t, ',')) this.pos++;
      else return;
    }
  }

  /** Skips to the end of the current statement (newline or `;` at depth 0, or before a closing `}`). */
  protected skipStatement(): void {
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
