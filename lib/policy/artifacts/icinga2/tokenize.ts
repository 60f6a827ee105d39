/**
 * Icinga 2 configuration tokenizer: splits a .conf file into identifiers,
 * numbers (durations in seconds), decoded strings, operators and newlines.
 */
import { LintInputError } from '../../errors';

export const enum K { Ident, Number, String, Op, Newline, Eof }

export interface Token {
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

export function tokenize(text: string, file: string): Token[] {
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
