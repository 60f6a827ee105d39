/**
 * Finds secrets written in plain text: private key blocks, well-known token
 * formats, credentials in URLs, bearer tokens, and literal values of fields
 * named like a password, secret, token, API key or credentials. References
 * are fine (`${var.ssh_private_key}`, `$TOKEN`, `*_file` paths, `{{ ... }}`).
 * A finding never repeats the secret.
 */

export interface SecretHit {
  /** 1-based line. */
  readonly line: number;
  /** What was found, without the value. */
  readonly what: string;
}

/** Cheap first pass: files without any of these cannot hold a secret we detect. */
const PREFILTER = /pass|secret|token|api[_-]?key|private|credential|BEGIN|AKIA|ASIA|gh[pousr]_|github_pat_|xox[abpors]-|hooks\.slack|bearer|:\/\/[^\s/@]*:[^\s/@]*@/i;

const PEM = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----/;
const TOKENS: readonly [RegExp, string][] = [
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key ID'],
  [/\bgh[pousr]_[A-Za-z0-9]{36,}\b/, 'a GitHub token'],
  [/\bgithub_pat_[A-Za-z0-9_]{22,}\b/, 'a GitHub token'],
  [/\bxox[abpors]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+/, 'a Slack webhook URL (its path is the secret)'],
];
const URL_CREDENTIALS = /\b[a-z][a-z0-9+.-]*:\/\/([^\s/:@"'<>]+):([^\s/@"'<>]+)@/i;
const BEARER = /\bBearer\s+([A-Za-z0-9\-._~+/]{12,}=*)/;

/** Field names that hold secrets (matched case-insensitively inside the name). */
const SECRET_NAME = /(password|passwd|passphrase|secret|token|api[_-]?key|apikey|private[_-]?key|access[_-]?key|credentials?)/i;
const KEY_VALUE =
  /(?:^|[\s{,;(=-])["']?([A-Za-z0-9_.-]*?(?:password|passwd|passphrase|secret|token|api[_-]?key|apikey|private[_-]?key|access[_-]?key|credentials?)[A-Za-z0-9_.-]*)["']?\s*(?::|=>|=)\s*(.*)$/i;
/** Names that say the value is a reference, not the secret (`password_file`, `tokenPath`). */
const REFERENCE_NAME = /(file|path|dir|env|var|name|names|id|type|ref|url_file|command|cmd|length|ttl|expiry|expires|mode|sensitive|header|prefix|field|key_id|count|enabled|required|rotation|description|help)$/i;

function isReference(value: string): boolean {
  return (
    /^(\$|\{\{|%\{|<[^>]*>$|\/|@|~\/|file:|env:|vault:|secret:\/\/|ENV\[|!vault|\*+$|x{3,}$)/i.test(value) ||
    /^(null|nil|none|undefined|true|false|redacted|withheld|n\/a|-|\[\]|\{\})$/i.test(value) ||
    /^\d+$/.test(value) ||
    /^(var|local|data|module)\./.test(value)
  );
}

/** The literal value at the start of `rest`, or undefined when it is structure or prose. */
function literalValue(rest: string): string | undefined {
  const text = rest.trim();
  if (text === '' || /^[{[|>&*!]/.test(text)) return undefined;
  const quoted = /^("((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')/.exec(text);
  if (quoted) return quoted[2] ?? quoted[3];
  const word = /^[^\s,;#]+/.exec(text)?.[0] ?? '';
  const after = text.slice(word.length).trim();
  // Unquoted prose ("token: put it in the file") is not a value.
  if (after !== '' && !/^([,;]|#|\/\/)/.test(after)) return undefined;
  return word;
}

function scanLine(line: string): string | undefined {
  if (PEM.test(line)) return 'a private key block';
  for (const [re, what] of TOKENS) if (re.test(line)) return what;
  const url = URL_CREDENTIALS.exec(line);
  if (url && !isReference(url[2]) && url[2].length > 0) return 'a password in a URL';
  const bearer = BEARER.exec(line);
  if (bearer && !isReference(bearer[1])) return 'a literal bearer token';
  const kv = KEY_VALUE.exec(line);
  if (kv) {
    const name = kv[1];
    if (!SECRET_NAME.test(name) || REFERENCE_NAME.test(name.replace(/["']/g, ''))) return undefined;
    let value = literalValue(kv[2]);
    if (value === undefined) return undefined;
    const scheme = /^(Bearer|Basic|Token)\s+(.*)$/i.exec(value);
    if (scheme) value = scheme[2];
    if (value.length < 4 || isReference(value)) return undefined;
    return `a literal value for "${name}"`;
  }
  return undefined;
}

/** Secrets in a text file, one hit per line at most. */
export function findSecrets(text: string): SecretHit[] {
  if (!PREFILTER.test(text)) return [];
  const hits: SecretHit[] = [];
  // A CRLF line end is a line end: the patterns' `.*$` would stop at the \r.
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!PREFILTER.test(line)) continue;
    // JSON strings can carry several lines (a PEM key with \n escapes); scan those pieces too.
    const pieces = line.includes('\\n') ? [line, ...line.split('\\n')] : [line];
    for (const piece of pieces) {
      const what = scanLine(piece);
      if (what) {
        hits.push({ line: i + 1, what });
        break;
      }
    }
  }
  return hits;
}
