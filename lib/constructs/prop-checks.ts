/**
 * Eager checks for construct props. Each returns the value it accepted or
 * throws a ListhostPropError naming the construct, the prop and what is
 * expected. Values that reach shell, PromQL, YAML or Icinga DSL are held to
 * conservative character sets here; renderers still quote everything.
 */
import { propErrors } from '../errors';
import { EXPECTED } from '../model/expected-values';

/** RFC 1123 host name with at least two labels. */
const FQDN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;
/** Names of sites, rows, runners, queues, volumes. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/** Absolute path without `..`, control characters or trailing slash. */
const ABSOLUTE_PATH = /^\/([A-Za-z0-9._@+-]+(\/[A-Za-z0-9._@+-]+)*)?$/;
/** Linux limits: PATH_MAX (with its NUL) and NAME_MAX. */
const PATH_MAX_LENGTH = 4095;
const NAME_MAX_LENGTH = 255;
/**
 * URLs: printable ASCII of RFC 3986 only (unreserved, reserved, `%XX`), so a
 * URL is written everywhere exactly as given. Braces in particular are
 * refused: Prometheus expands `{{ }}` in annotations such as `runbook_url`.
 */
const URL_TEXT = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&()*+,;=]|%[0-9A-Fa-f]{2})+$/;
const URL_MAX_LENGTH = 2048;

/** Whether `value` is a URL of `protocols` written in the strict URL_TEXT grammar. */
export function isStrictUrl(value: unknown, protocols: readonly string[] = ['http:', 'https:']): value is string {
  if (typeof value !== 'string' || value.length > URL_MAX_LENGTH || !URL_TEXT.test(value)) return false;
  try {
    const { protocol } = new URL(value);
    return protocols.includes(protocol) && value.startsWith(`${protocol}//`);
  } catch {
    return false;
  }
}

/**
 * Free text that no consumer may read as anything but text: no control
 * characters (C0, DEL, C1), no line or paragraph separators, no lone UTF-16
 * surrogates (they cannot be written as UTF-8 and would come out as U+FFFD).
 */
export function isPlainText(value: string): boolean {
  // With the u flag a surrogate pair is one code point, so [\uD800-\uDFFF] matches only unpaired ones.
  return !/[\p{Cc}\u2028\u2029\uD800-\uDFFF]/u.test(value);
}

export function checkFqdn(construct: string, prop: string, value: string | undefined): string {
  if (value === undefined) throw propErrors.required(construct, prop, 'the host\'s fully qualified domain name, e.g. "lists1001.example.org"');
  if (typeof value !== 'string' || !FQDN.test(value)) {
    throw propErrors.invalid(construct, prop, value, EXPECTED.fqdn);
  }
  return value;
}

export function checkName(construct: string, prop: string, value: string | undefined): string {
  if (value === undefined) throw propErrors.required(construct, prop, 'a short name (letters, digits, ".", "_", "-")');
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw propErrors.invalid(construct, prop, value, EXPECTED.name);
  }
  return value;
}

export function checkPath(construct: string, prop: string, value: string | undefined): string {
  if (value === undefined) throw propErrors.required(construct, prop, 'an absolute path such as "/srv/mailman3"');
  if (
    typeof value !== 'string' || value.length > PATH_MAX_LENGTH || !ABSOLUTE_PATH.test(value) ||
    value.split('/').some((part) => part === '.' || part === '..' || part.length > NAME_MAX_LENGTH)
  ) {
    throw propErrors.invalid(construct, prop, value, `an absolute path of letters, digits, ".", "_", "@", "+" and "-" without "..", spaces, quotes or a trailing slash, at most ${PATH_MAX_LENGTH} characters and ${NAME_MAX_LENGTH} per component, such as "/srv/mailman3"`);
  }
  return value;
}

export function checkInteger(construct: string, prop: string, value: number | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) throw propErrors.required(construct, prop, `a whole number from ${min} to ${max}`);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw propErrors.invalid(construct, prop, value, `a whole number from ${min} to ${max}`);
  }
  return value;
}

export function checkPowerOfTwo(construct: string, prop: string, value: number): number {
  checkInteger(construct, prop, value, 1, 1024);
  if ((value & (value - 1)) !== 0) {
    throw propErrors.invalid(construct, prop, value, 'a power of 2 (1, 2, 4, 8, ...): Mailman splits a queue into instances by hash space');
  }
  return value;
}

export function checkPercent(construct: string, prop: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value >= 100) {
    throw propErrors.invalid(construct, prop, value, 'a percentage greater than 0 and less than 100');
  }
  return value;
}

export function checkUrl(construct: string, prop: string, value: string, protocols: readonly string[] = ['http:', 'https:']): string {
  try {
    new URL(value);
  } catch {
    throw propErrors.invalid(construct, prop, value, `an absolute URL (${protocols.join(' or ')})`);
  }
  if (!isStrictUrl(value, protocols)) {
    throw propErrors.invalid(
      construct,
      prop,
      value,
      `an absolute ${protocols.join(' or ')} URL without spaces, quotes or backslashes: at most ${URL_MAX_LENGTH} characters of ` +
        'letters, digits and -._~:/?#[]@!$&()*+,;= (RFC 3986), anything else percent-encoded as %XX (no braces: Prometheus would expand {{ }})',
    );
  }
  return value;
}

export function checkEmail(construct: string, prop: string, value: string): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/.test(value)) {
    throw propErrors.invalid(construct, prop, value, EXPECTED.email);
  }
  return value;
}

export function checkText(construct: string, prop: string, value: string | undefined, what: string): string {
  if (value === undefined || typeof value !== 'string' || value.trim() === '' || !isPlainText(value) || value.length > 200) {
    throw propErrors.invalid(construct, prop, value, `${what}: non-empty text of at most 200 characters without control characters, line separators or unpaired surrogates`);
  }
  return value;
}

/** Sizes: a number of bytes or a string like "100GiB", "20G". */
export function checkBytes(construct: string, prop: string, value: number | string | undefined): number {
  if (value === undefined) throw propErrors.required(construct, prop, 'a size such as "100GiB" or a number of bytes');
  if (typeof value === 'number') return checkInteger(construct, prop, value, 1);
  const match = /^([0-9]+(?:\.[0-9]+)?)\s*(B|KiB|MiB|GiB|TiB|K|M|G|T)?$/.exec(value);
  if (!match) throw propErrors.invalid(construct, prop, value, 'a size such as "100GiB", "512MiB" or a number of bytes');
  const scale: Record<string, number> = { B: 1, K: 1024, KiB: 1024, M: 1024 ** 2, MiB: 1024 ** 2, G: 1024 ** 3, GiB: 1024 ** 3, T: 1024 ** 4, TiB: 1024 ** 4 };
  return Math.round(Number(match[1]) * scale[match[2] ?? 'B']);
}

export function checkServiceUnit(construct: string, prop: string, value: string | undefined): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9@._-]+\.service$/.test(value)) {
    throw propErrors.invalid(construct, prop, value, EXPECTED.serviceUnit);
  }
  return value;
}

export function checkBoolean(construct: string, prop: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw propErrors.invalid(construct, prop, value, 'true or false');
  return value;
}
