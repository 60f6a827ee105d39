/**
 * Icinga 2 block parser: the `object`, `template` and `apply` blocks of a
 * file with their `for` loops and body statements (attribute sets, imports,
 * `assign where` / `ignore where`); anything else is skipped.
 */
import type { Block, Statement } from './ast';
import { BINARY, ExprParser } from './parse-expr';
import * as tokenizer from './tokenize';

// A local alias, not a named import: under tsx (esbuild, one file at a time) a named import of
// the enum is read through an export getter on every `K.x`; tsc inlines the values either way.
import K = tokenizer.K;

export class Parser extends ExprParser {
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
}
