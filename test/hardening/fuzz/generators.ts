/**
 * fast-check generators for user-supplied strings: hostile ASCII, unicode,
 * very long and empty strings, and plausible valid values (so some cases are
 * accepted), and valid values with something hostile spliced in.
 */
import fc from 'fast-check';

/** Pieces that mean something to a shell, YAML, Icinga DSL, Go templates, systemd or a regex engine. */
export const HOSTILE_TOKENS: readonly string[] = [
  "'", '"', '$(id)', '`id`', ';', '|', '&', '\n', '\t', '\0', '\r', '}', '{', '{{ .Status }}', '{{', '}}', '\\', '\\n', '%', '%n', '%%',
  '*', '?', '~', '-rf', '--', '$$', '${x}', '$x', ' ', '#', '!', '..', '/', ':', '- ', '&a', '*a', '!!str', 'null', 'yes', '\x7f', '\x1b[31m',
  // unicode: combining mark, RTL override and RTL text, emoji (non-BMP), lone surrogate, separators, C1 control, BOM
  'e\u0301', '\u202e', 'שלום', 'مرحبا', '😀', '\u{1F3F3}\u{FE0F}\u{200D}\u{1F308}', '\uD800', '\uDC00', '\u2028', '\u2029', '\u0085', '\u00a0', '\ufeff', '𝔘',
];

export const hostileToken = fc.constantFrom(...HOSTILE_TOKENS);

/** A string made of hostile tokens and random (full unicode) text. */
export const hostile: fc.Arbitrary<string> = fc
  .array(fc.oneof(hostileToken, fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 })), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.join(''));

/** Very long strings. */
export const long: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('a', '-', 'é', '😀', 'a/', '$'), fc.integer({ min: 200, max: 5000 }))
  .map(([unit, n]) => unit.repeat(n));

/** Splices a hostile token into a valid value. */
export function spliced(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(valid, hostileToken, fc.nat()).map(([v, token, at]) => {
    const i = at % (v.length + 1);
    return v.slice(0, i) + token + v.slice(i);
  });
}

/** Valid values by kind. */
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
export const VALID = {
  fqdn: fc.array(label, { minLength: 2, maxLength: 4 }).map((labels) => labels.join('.')),
  name: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/),
  lowerName: fc.stringMatching(/^[a-z][a-z0-9_-]{0,20}$/),
  path: fc.array(fc.stringMatching(/^[A-Za-z0-9_@+-][A-Za-z0-9._@+-]{0,12}$/), { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.join('/')}`),
  text: fc.oneof(fc.stringMatching(/^[A-Za-z][A-Za-z0-9 .,'"&()$\\{}%-]{0,30}$/), fc.constantFrom('Zoë Ærø', 'שלום עולם', 'list admins 😀', "O'Brien \"ops\" $HOME `x` \\ }")),
  email: fc.tuple(fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,10}$/), label).map(([local, domain]) => `${local.replace(/\.+$/, '').replace(/\.\.+/g, '.')}@${domain}.example.org`),
  url: fc.tuple(fc.constantFrom('https://', 'http://'), label, fc.stringMatching(/^(\/[A-Za-z0-9._~!$&()*+,;=:@-]{0,8}){0,3}\/?$/)).map(([scheme, host, path]) => `${scheme}${host}.example.org${path || '/'}`),
  regex: fc.stringMatching(/^[A-Za-z0-9 ^$.*+?()[\]|\\/-]{1,20}$/).filter((r) => { try { new RegExp(r); return true; } catch { return false; } }),
  glob: fc.stringMatching(/^[A-Za-z0-9*?.[\]!-]{1,12}$/),
  version: fc.stringMatching(/^[0-9]{1,2}\.[0-9]{1,2}(\.[0-9]{1,2})?$/),
} as const;

export type ValueKind = keyof typeof VALID;

/** Valid, spliced, hostile, long or empty values of a kind. */
export function valueOf(kind: ValueKind): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: VALID[kind], weight: 3 },
    { arbitrary: spliced(VALID[kind]), weight: 3 },
    { arbitrary: hostile, weight: 2 },
    { arbitrary: long, weight: 1 },
    { arbitrary: fc.constant(''), weight: 1 },
  );
}

/** Shows a generated value unambiguously in assertion messages. */
export function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…(${value.length})` : value) : String(value);
}
