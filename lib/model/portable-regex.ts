/**
 * The regular expressions a user writes are run by several engines, each
 * verbatim:
 *
 * - a process group's `cmdlineRegex` by process-exporter (Go's regexp, RE2
 *   syntax) and, as the default `pgrepPattern`, by `pgrep -f` (self-heal, the
 *   queue collector, runbooks) and Icinga's `check_procs
 *   --ereg-argument-array`, both POSIX ERE through glibc's regcomp;
 * - `queueFilePattern` by bash's `[[ =~ ]]` in the Icinga queue check (POSIX
 *   ERE, regcomp) and by awk's `~` in the queue collector (Debian 12's awk is
 *   mawk 1.3.4-20200120, which reads `{n,m}` as literal braces).
 *
 * A pattern outside what these dialects share fails silently, not loudly:
 * `sleep \d+` is a match to RE2 but the letter `d` to POSIX ERE, so pgrep
 * counts 0 live processes and self-heal restarts a healthy service every
 * interval; a lookahead is a regex error to pgrep, which self-heal reads as
 * 0 processes too. So only the portable subset is accepted, checked here
 * once for the constructs (service-definition.ts) and for host models
 * (validate.ts, which `listhost lint` and synthesis run):
 *
 * - printable ASCII literals (RE2 reads the pattern as UTF-8, POSIX ERE under
 *   LC_ALL=C byte by byte: a quantified or bracketed non-ASCII character
 *   means different things);
 * - `.`, the anchors `^` and `$`, groups `( )` (nothing starting `(?`),
 *   alternation `|` without empty alternatives;
 * - quantifiers `*` `+` `?` `{n}` `{n,}` `{n,m}` (counts up to 255, POSIX's
 *   RE_DUP_MAX) after something to repeat and not followed by another
 *   quantifier: `*?` is lazy and `*+` possessive to RE2, undefined to POSIX;
 * - bracket expressions `[...]` `[^...]` of single characters, ranges between
 *   two digits or two letters of one case (other ranges follow the locale's
 *   collation in POSIX), `-` first or last, `]` first, and the POSIX classes
 *   both know (`[:word:]` is RE2 only); no backslash (an escape to RE2, a
 *   literal to POSIX);
 * - outside brackets, a backslash only before an ERE metacharacter
 *   `\ . [ ] ( ) * + ? { } | ^ $` (`\d`, `\s`, `\b`, `\1` ... are RE2 or GNU
 *   extensions that POSIX leaves undefined or reads as the plain letter).
 *
 * The engines still differ in which of several matches they report (RE2
 * leftmost-first, POSIX leftmost-longest); no consumer reads submatches,
 * only whether a line matches, and on that they agree in this subset.
 */

import type { HostModel } from './types';

/** Which engines a pattern reaches, and so which subset it must stay in. */
export interface RegexDialect {
  /** The engines, for messages: "a regular expression that <readers> read alike". */
  readonly readers: string;
  /** Whether `{n}`, `{n,}` and `{n,m}` are allowed (mawk 1.3.4-20200120 reads them as literal braces). */
  readonly intervals: boolean;
}

/** Process group patterns: process-exporter (RE2), pgrep and check_procs (POSIX ERE). */
export const PROCESS_REGEX: RegexDialect = {
  readers: 'RE2 (process-exporter) and POSIX ERE (pgrep, Icinga check_procs)',
  intervals: true,
};

/** Queue file name patterns: bash [[ =~ ]] in the queue check and awk in the queue collector (both POSIX ERE). */
export const QUEUE_FILE_REGEX: RegexDialect = {
  readers: 'POSIX ERE in bash [[ =~ ]] (the Icinga queue check) and in awk (the queue collector; Debian 12\'s mawk has no {n,m} intervals)',
  intervals: false,
};

/** What a prop or model field must hold: the `expected` text of an error. */
export function portableRegexExpectation(dialect: RegexDialect, problem: string): string {
  return `a regular expression that ${dialect.readers} read alike: ${problem}`;
}

const METACHARACTERS = '\\.[]()*+?{}|^$';
const METACHARACTER_LIST = '\\ . [ ] ( ) * + ? { } | ^ $';
/** The POSIX classes RE2 knows as well ([:word:] is RE2 only). */
const POSIX_CLASSES = ['alnum', 'alpha', 'blank', 'cntrl', 'digit', 'graph', 'lower', 'print', 'punct', 'space', 'upper', 'xdigit'];
/** POSIX's RE_DUP_MAX (glibc allows more, RE2 1000). */
const MAX_COUNT = 255;
/** RE2 rejects nested repetition counts whose product exceeds 1000. */
const MAX_NESTED_COUNT = 1000;
/** RE2's and Go's nesting limit is 1000; far more than a command line needs. */
const MAX_DEPTH = 100;

const ESCAPE_HINTS: Record<string, string> = {
  d: 'write [0-9] or [[:digit:]]',
  D: 'write [^0-9] or [^[:digit:]]',
  s: 'write [[:space:]]',
  S: 'write [^[:space:]]',
  w: 'write [[:alnum:]_]',
  W: 'write [^[:alnum:]_]',
  b: 'there is no portable word boundary: match the neighbour, e.g. (^|[^[:alnum:]_]) before and ([^[:alnum:]_]|$) after, or ( |$) for the end of an argument',
  B: 'there is no portable word boundary: match the neighbouring characters instead',
  '<': 'there is no portable word boundary: match the neighbour, e.g. (^|[^[:alnum:]_])',
  '>': 'there is no portable word boundary: match the neighbour, e.g. ([^[:alnum:]_]|$)',
  A: 'write ^',
  z: 'write $',
  Z: 'write $',
  Q: 'escape each metacharacter with a backslash instead',
  E: 'escape each metacharacter with a backslash instead',
  p: 'write a POSIX class such as [[:alpha:]]',
  P: 'write a negated POSIX class such as [^[:alpha:]]',
  x: 'write the character itself',
  u: 'write the character itself',
  n: 'a command line or file name holds no control characters (arguments are joined by spaces); for white space write [[:space:]]',
  t: 'a command line or file name holds no control characters; for white space write [[:space:]] or [[:blank:]]',
  r: 'a command line or file name holds no control characters',
  f: 'a command line or file name holds no control characters',
  v: 'a command line or file name holds no control characters',
  a: 'a command line or file name holds no control characters',
  e: 'a command line or file name holds no control characters',
};

function escapeHint(next: string): string {
  if (ESCAPE_HINTS[next] !== undefined) return ESCAPE_HINTS[next];
  if (/[1-9]/.test(next)) return 'a backreference, which RE2 does not have; write the text out';
  if (next === '0') return 'write the character itself';
  if (/[A-Za-z]/.test(next)) return 'RE2 rejects or reinterprets it and POSIX leaves it undefined';
  return `POSIX leaves an escaped ordinary character undefined; write ${show(next)} without the backslash`;
}

class RegexProblem extends Error {}

function fail(at: number, text: string): never {
  throw new RegexProblem(`at character ${at + 1}, ${text}`);
}

/** A fragment of the pattern, quoted as written (checked printable ASCII before it is shown). */
const show = (text: string) => `"${text}"`;

function charKind(c: string): 'digit' | 'lower' | 'upper' | undefined {
  if (c >= '0' && c <= '9') return 'digit';
  if (c >= 'a' && c <= 'z') return 'lower';
  if (c >= 'A' && c <= 'Z') return 'upper';
  return undefined;
}

function checkPrintable(pattern: string, at: number): void {
  const code = pattern.charCodeAt(at);
  if (code < 0x20 || code > 0x7e) {
    fail(at, `${JSON.stringify(pattern[at])} is not printable ASCII: RE2 reads the pattern as UTF-8, POSIX ERE (LC_ALL=C) byte by byte`);
  }
}

const BACKSLASH_IN_BRACKETS =
  'a backslash inside [...] is an escape to RE2 but a literal backslash to POSIX ERE; use a class such as [:digit:] or [:space:] for \\d or \\s, ' +
  'put "]" first and "-" first or last to match them literally, and match a backslash with \\\\ outside brackets';

/** Checks the bracket expression starting at `start` (its `[`); returns the index after its `]`. */
function bracket(pattern: string, start: number): number {
  let j = start + 1;
  if (pattern[j] === '^') j++;
  const first = j;
  for (;;) {
    if (j >= pattern.length) fail(start, '"[" is never closed by "]"; write \\[ for a literal bracket');
    const c = pattern[j];
    if (c === ']' && j !== first) return j + 1;
    if (c === '\\') fail(j, BACKSLASH_IN_BRACKETS);
    if (c === '[' && (pattern[j + 1] === '.' || pattern[j + 1] === '=')) {
      fail(j, `${show(`[${pattern[j + 1]}`)} starts a collating symbol or equivalence class, which RE2 does not have; write the character itself`);
    }
    if (c === '[' && pattern[j + 1] === ':') {
      const end = pattern.indexOf(':]', j + 2);
      const name = end < 0 ? '' : pattern.slice(j + 2, end);
      if (end < 0 || !/^[a-z]+$/.test(name)) fail(j, '"[:" inside brackets must start a class such as [:digit:]; put "[" elsewhere than before ":" to match it literally');
      if (name === 'word') fail(j, '[:word:] is RE2 only (POSIX has no such class); write [[:alnum:]_]');
      if (!POSIX_CLASSES.includes(name)) fail(j, `[:${name}:] is not a class both know; use one of ${POSIX_CLASSES.map((n) => `[:${n}:]`).join(' ')}`);
      j = end + 2;
      if (pattern[j] === '-' && pattern[j + 1] !== ']') fail(j, 'a range cannot start at a class; put "-" first or last to match it literally');
      continue;
    }
    checkPrintable(pattern, j);
    if (pattern[j + 1] === '-' && j + 2 < pattern.length && pattern[j + 2] !== ']') {
      const hi = pattern[j + 2];
      if (hi === '\\') fail(j + 2, BACKSLASH_IN_BRACKETS);
      checkPrintable(pattern, j + 2);
      const kind = charKind(c);
      if (kind === undefined || charKind(hi) !== kind || hi < c) {
        fail(j, `the range ${show(`${c}-${hi}`)} must run upwards between two digits or two letters of one case, such as 0-9, a-f or A-Z (other ranges follow the locale in POSIX ERE); put "-" first or last to match it literally`);
      }
      j += 3;
      continue;
    }
    if (c === '-' && j !== first && pattern[j + 1] !== ']') fail(j, '"-" inside brackets must come first or last to be a literal');
    j++;
  }
}

/**
 * Patterns found inside each dialect's subset. A fleet repeats the same few
 * on every host (Mailman's 14 runner patterns), and each is checked twice,
 * by the construct and by the host model's validation at synth: about 30 us
 * a host without this. Bounded; only accepted patterns are kept.
 */
const accepted = new Map<RegexDialect, Set<string>>();
const MAX_ACCEPTED = 4096;

/**
 * Why `pattern` is outside the subset `dialect` accepts (one problem, with
 * where it is and what to write instead), or undefined when it is inside.
 */
export function portableRegexProblem(pattern: string, dialect: RegexDialect): string | undefined {
  let known = accepted.get(dialect);
  if (known?.has(pattern)) return undefined;
  try {
    scan(pattern, dialect);
  } catch (error) {
    if (error instanceof RegexProblem) return error.message;
    throw error;
  }
  if (known === undefined) accepted.set(dialect, (known = new Set()));
  if (known.size >= MAX_ACCEPTED) known.clear();
  known.add(pattern);
  return undefined;
}

interface Group {
  readonly start: number;
  /** Largest product of {n,m} counts nested inside, for RE2's limit. */
  repeat: number;
}

function scan(pattern: string, dialect: RegexDialect): void {
  if (pattern === '') fail(0, 'the pattern is empty');
  const groups: Group[] = [{ start: -1, repeat: 1 }];
  /** What the last token was: start of an alternative, an anchor, something to repeat, a quantifier. */
  let last: 'none' | 'anchor' | 'atom' | 'group' | 'quantifier' = 'none';
  let lastGroupRepeat = 1;
  let empty = true;
  const emptyAlternative = (at: number) =>
    fail(at, 'an alternative is empty ("||", "()", "(|", "|)" or "|" at either end), which POSIX ERE leaves undefined; write (x)? for an optional x');

  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '*' || c === '+' || c === '?' || c === '{') {
      let count = 1;
      let end = i + 1;
      if (c === '{') {
        const m = /^\{([0-9]+)(,([0-9]*))?\}/.exec(pattern.slice(i));
        if (!m) fail(i, '"{" does not start an interval {n}, {n,} or {n,m} (RE2 reads it as a literal brace, POSIX ERE as an error); write \\{ for a literal brace');
        if (!dialect.intervals) {
          fail(i, `the interval ${show(m[0])} is read as literal braces by mawk, Debian 12's awk (the queue collector); write the repetition out, e.g. [0-9][0-9] for [0-9]{2}`);
        }
        const min = Number(m[1]);
        const max = m[2] === undefined ? min : m[3] === '' ? undefined : Number(m[3]);
        if (min > MAX_COUNT || (max !== undefined && max > MAX_COUNT)) fail(i, `the interval ${show(m[0])} counts above ${MAX_COUNT}, POSIX's RE_DUP_MAX`);
        if (max !== undefined && max < min) fail(i, `the interval ${show(m[0])} has its maximum below its minimum`);
        count = max ?? min;
        end = i + m[0].length;
      }
      const quantifier = pattern.slice(i, end);
      if (last === 'quantifier') {
        const previous = pattern[i - 1] === '}' ? pattern.slice(pattern.lastIndexOf('{', i - 1), i) : pattern[i - 1];
        if (c === '?') fail(i, `${show(previous + c)} is a lazy quantifier to RE2 but undefined in POSIX ERE; drop the "?" (only whether the pattern matches counts)`);
        if (c === '+') fail(i, `${show(previous + c)} is a possessive quantifier, which RE2 rejects and POSIX ERE leaves undefined; drop the "+"`);
        fail(i, `${show(previous + quantifier)} repeats a quantifier, which RE2 rejects and POSIX ERE leaves undefined; write one quantifier, or group the repeated part`);
      }
      if (last === 'none' || last === 'anchor') fail(i, `${show(quantifier)} has nothing to repeat; write \\${c} for a literal ${show(c)}`);
      if (count > 1 || c === '{') {
        const product = count * (last === 'group' ? lastGroupRepeat : 1);
        if (product > MAX_NESTED_COUNT) fail(i, `nested intervals repeat ${product} times, above RE2's limit of ${MAX_NESTED_COUNT}`);
        const top = groups[groups.length - 1];
        top.repeat = Math.max(top.repeat, product);
      }
      last = 'quantifier';
      i = end;
      continue;
    }
    switch (c) {
      case '\\': {
        if (i + 1 >= pattern.length) fail(i, 'a trailing backslash escapes nothing; write \\\\ for a literal backslash');
        const next = pattern[i + 1];
        if (!METACHARACTERS.includes(next)) {
          checkPrintable(pattern, i + 1);
          fail(i, `${show(`\\${next}`)} is not portable: outside brackets a backslash may only escape one of ${METACHARACTER_LIST}; ${escapeHint(next)}`);
        }
        last = 'atom';
        i += 2;
        break;
      }
      case '[':
        i = bracket(pattern, i);
        last = 'atom';
        break;
      case '(': {
        if (pattern[i + 1] === '?') fail(i, groupExtension(pattern.slice(i)));
        if (groups.length > MAX_DEPTH) fail(i, `groups nest more than ${MAX_DEPTH} deep`);
        groups.push({ start: i, repeat: 1 });
        last = 'none';
        empty = true;
        i++;
        continue;
      }
      case ')': {
        if (groups.length === 1) fail(i, '")" closes no group; write \\) for a literal parenthesis');
        if (empty) emptyAlternative(i);
        const group = groups.pop()!;
        const parent = groups[groups.length - 1];
        parent.repeat = Math.max(parent.repeat, group.repeat);
        lastGroupRepeat = group.repeat;
        last = 'group';
        i++;
        break;
      }
      case '|':
        if (empty) emptyAlternative(i);
        last = 'none';
        empty = true;
        i++;
        continue;
      case '^':
      case '$':
        last = 'anchor';
        i++;
        break;
      default:
        checkPrintable(pattern, i);
        last = 'atom';
        i++;
    }
    empty = false;
  }
  if (groups.length > 1) fail(groups[groups.length - 1].start, '"(" is never closed by ")"; write \\( for a literal parenthesis');
  if (empty) emptyAlternative(pattern.length - 1);
}

/** What is wrong with a group starting `(?`. */
function groupExtension(rest: string): string {
  if (rest.startsWith('(?:')) return '"(?:" is a non-capturing group, which POSIX ERE does not have; a plain group (...) matches the same';
  const lookaround = ['(?<=', '(?<!', '(?=', '(?!'].find((p) => rest.startsWith(p));
  if (lookaround) {
    return `${show(lookaround)} is a lookaround, which neither RE2 nor POSIX ERE has (pgrep reports a regex error); match the text itself, anchoring the whole command line with ^ and $ to leave something out`;
  }
  if (rest.startsWith('(?P<') || rest.startsWith('(?<')) return 'a named group is RE2 only; write a plain group (...)';
  return `${show(rest.slice(0, 3))} starts inline flags or another RE2 extension, which POSIX ERE does not have; spell both cases out, e.g. [Qq]mgr`;
}

/** A user-written pattern of a host model that is outside its subset. */
export interface ModelRegexProblem {
  /** JSON pointer from the model's root, e.g. `/service/processGroups/0/cmdlineRegex`. */
  readonly pointer: string;
  /** Names the field, quotes its value and tells what is expected. */
  readonly detail: string;
}

/**
 * The first pattern of a schema-valid host model outside its subset: each
 * process group's `cmdlineRegex` and `pgrepPattern`, and `queueFilePattern`.
 */
export function hostModelRegexProblem(model: HostModel): ModelRegexProblem | undefined {
  const { service } = model;
  type Pattern = readonly [pointer: string, value: string | null, dialect: RegexDialect];
  const patterns: Pattern[] = [
    ...service.processGroups.flatMap((group, i): Pattern[] => [
      [`/service/processGroups/${i}/cmdlineRegex`, group.cmdlineRegex, PROCESS_REGEX],
      [`/service/processGroups/${i}/pgrepPattern`, group.pgrepPattern, PROCESS_REGEX],
    ]),
    ['/service/queueFilePattern', service.queueFilePattern, QUEUE_FILE_REGEX],
  ];
  for (const [pointer, value, dialect] of patterns) {
    // A null or empty queueFilePattern means none (the scripts age files by mtime).
    if (value === null || value === '') continue;
    const problem = portableRegexProblem(value, dialect);
    if (problem !== undefined) {
      const field = pointer.slice(pointer.lastIndexOf('/') + 1);
      return { pointer, detail: `${field} ${JSON.stringify(value)} is not ${portableRegexExpectation(dialect, problem)}` };
    }
  }
  return undefined;
}
