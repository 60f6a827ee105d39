/**
 * Eager checks for construct props. Each returns the value it accepted or
 * throws a ListhostPropError naming the construct, the prop and what is
 * expected. Values that reach shell, PromQL, YAML or Icinga DSL are held to
 * conservative character sets here; renderers still quote everything.
 */
import { propErrors } from '../errors';

/** RFC 1123 host name with at least two labels. */
const FQDN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;
/** Names of sites, rows, runners, queues, volumes. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/** Absolute path without `..`, control characters or trailing slash. */
const ABSOLUTE_PATH = /^\/([A-Za-z0-9._@+-]+(\/[A-Za-z0-9._@+-]+)*)?$/;

export function checkFqdn(construct: string, prop: string, value: string | undefined): string {
  if (value === undefined) throw propErrors.required(construct, prop, 'the host\'s fully qualified domain name, e.g. "lists1001.example.org"');
  if (typeof value !== 'string' || !FQDN.test(value)) {
    throw propErrors.invalid(construct, prop, value, 'a lower-case fully qualified domain name such as "lists1001.example.org" (letters, digits, hyphens, at least two labels)');
  }
  return value;
}

export function checkName(construct: string, prop: string, value: string | undefined): string {
  if (value === undefined) throw propErrors.required(construct, prop, 'a short name (letters, digits, ".", "_", "-")');
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw propErrors.invalid(construct, prop, value, 'a short name of letters, digits, ".", "_" or "-", starting with a letter or digit, at most 63 characters');
  }
  return value;
}

export function checkPath(construct: string, prop: string, value: string | undefined): string {
  if (value === undefined) throw propErrors.required(construct, prop, 'an absolute path such as "/srv/mailman3"');
  if (typeof value !== 'string' || !ABSOLUTE_PATH.test(value) || value.split('/').some((part) => part === '.' || part === '..')) {
    throw propErrors.invalid(construct, prop, value, 'an absolute path without "..", spaces, quotes or a trailing slash, such as "/srv/mailman3"');
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
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw propErrors.invalid(construct, prop, value, `an absolute URL (${protocols.join(' or ')})`);
  }
  if (!protocols.includes(url.protocol) || /[\s"'`\\]/.test(value)) {
    throw propErrors.invalid(construct, prop, value, `an absolute ${protocols.join(' or ')} URL without spaces, quotes or backslashes`);
  }
  return value;
}

export function checkEmail(construct: string, prop: string, value: string): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/.test(value)) {
    throw propErrors.invalid(construct, prop, value, 'an e-mail address such as "listadmins@example.org"');
  }
  return value;
}

export function checkText(construct: string, prop: string, value: string | undefined, what: string): string {
  if (value === undefined || typeof value !== 'string' || value.trim() === '' || /[\u0000-\u001f\u007f]/.test(value) || value.length > 200) {
    throw propErrors.invalid(construct, prop, value, `${what}: non-empty text of at most 200 characters without control characters`);
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
    throw propErrors.invalid(construct, prop, value, 'a systemd service name such as "mailman3.service"');
  }
  return value;
}
