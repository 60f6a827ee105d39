/**
 * PromQL lexer: identifiers, numbers, durations (in ms), decoded strings
 * and operators, with PromQLSyntaxError for what does not lex.
 */

export class PromQLSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at offset ${offset}`);
    this.name = 'PromQLSyntaxError';
  }
}

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };

type TokenKind = 'ident' | 'number' | 'duration' | 'string' | 'op' | 'eof';
export interface Token {
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

export function tokenize(src: string): Token[] {
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
