/**
 * `icingaString` against the real Icinga 2 parser: every literal it writes
 * must parse back to the same string (`icinga2 console --eval`).
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { icingaString, icingaValue, raw } from '../../lib/render/icinga2';
import { ICINGA2 } from './icinga';
import { run } from '../helpers/run';

const NASTY = [
  '',
  'plain',
  'back\\slash',
  'double "quoted"',
  'dollar $x$ and $$',
  '/usr/lib/mailman3/bin/master( |$)',
  '^[0-9]+(\\.[0-9]+)?\\+[0-9a-f]+\\.pck$',
  'line one\nline two\r\n\ttabbed',
  'bell\x07 escape\x1b del\x7f backspace\b formfeed\f',
  'octal-looking \\101 and digits after control \x01234',
  'unicode: é ü 日本 😀',
  'single \' quote',
  '} object Host "injected" {',
  '" + 1 + "',
  '/* not a comment */ // nor this',
];

/** Evaluates Icinga DSL `expression` with the real binary and returns its JSON-encoded value. */
function evaluate(expression: string): unknown {
  const result = run(ICINGA2, ['console', '--eval', `Json.encode(${expression})`]);
  assert.equal(result.status, 0, result.stdout + result.stderr);
  // The console prints the resulting string as a quoted literal; that literal is JSON.
  return JSON.parse(JSON.parse(result.stdout.trim()));
}

describe('icingaString', () => {
  it('attribute strings parse back to themselves in icinga2', () => {
    assert.deepEqual(evaluate(`[ ${NASTY.map((s) => icingaString(s, 'attribute')).join(', ')} ]`), NASTY);
  });

  it('var strings parse to the macro-escaped form ($ doubled), which macro resolution turns back', () => {
    assert.deepEqual(
      evaluate(`[ ${NASTY.map((s) => icingaString(s)).join(', ')} ]`),
      NASTY.map((s) => s.replace(/\$/g, '$$$$')),
    );
  });

  it('escapes what the DSL needs and nothing else', () => {
    assert.equal(icingaString('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(icingaString('$x$'), '"$$x$$"');
    assert.equal(icingaString('$x$', 'attribute'), '"$x$"');
    assert.equal(icingaString('a\nb'), '"a\\nb"');
    assert.equal(icingaString('\x01'), '"\\001"');
    assert.equal(icingaString('é'), '"é"');
  });

  it('a broken literal does not parse (the round trip can fail)', () => {
    const result = run(ICINGA2, ['console', '--eval', 'Json.encode("unterminated)']);
    assert.notEqual(result.status, 0);
  });

  it('refuses NUL, which no command line can carry', () => {
    assert.throws(() => icingaString('a\0b'), /NUL/);
  });
});

describe('icingaValue', () => {
  it('writes nested values icinga2 reads back as the same data', () => {
    const value = { 'key with space': [1, 2.5, true, null, 'x'], in: { nested: 'v"', empty: [], none: {} } };
    assert.deepEqual(evaluate(icingaValue(value, 'attribute')), value);
  });

  it('leaves out undefined entries and writes raw expressions as is', () => {
    assert.deepEqual(evaluate(icingaValue({ a: undefined, b: raw('1 + 2') })), { b: 3 });
  });

  it('refuses numbers the DSL cannot write', () => {
    assert.throws(() => icingaValue(Number.NaN), /finite/);
    assert.throws(() => icingaValue(Number.POSITIVE_INFINITY), /finite/);
  });
});
