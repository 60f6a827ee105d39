/**
 * The regex subset RE2 (process-exporter) and POSIX ERE (pgrep, check_procs,
 * bash, awk) read alike: what is accepted, what is rejected and what the
 * message says, and the host model check `listhost lint` and synthesis run.
 * test/model/portable-regex-tools.test.ts runs the real engines.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { MailingListHost } from '../../lib';
import { SUPPORTED_MAILMAN_SERIES } from '../../lib/model/mailman-catalogue';
import { hostModelRegexProblem, portableRegexProblem, PROCESS_REGEX, QUEUE_FILE_REGEX } from '../../lib/model/portable-regex';
import { validateHostModel } from '../../lib/model/validate';
import { exampleHostModel } from '../fixtures/host-model';
import { hostProps, newStack } from '../helpers/example-props';

/** Patterns the library, its examples and its tests already use: all must stay accepted. */
const IN_USE: readonly string[] = [
  '^[^ ]+ /usr/lib/mailman3/bin/runner .*--runner=out:',
  '^[^ ]+ /usr/lib/mailman3/bin/master( |$)',
  '^/usr/lib/postfix/sbin/master( |$)', // examples/mail-relay
  '^qmgr( |$)', // examples/mail-relay
  '/usr/lib/postfix/sbin/master( |$)',
  '(^| )qmgr( |$)',
  '^/usr/lib/relay/master( |$)',
  '^qmgr -l',
  '^tlsmgr( |$)',
  '^qmgr$ \\$HOME {1,2} (a|b)',
  '/usr/lib/mailman3/bin/runner',
];

/** More of the subset: every construct it allows. */
const PORTABLE: readonly string[] = [
  'sleep [0-9]+',
  'sleep [[:digit:]]+',
  '^python3 [^ ]*/runner( [^ ]+)* --runner=(in|out|retry):[0-9]+:[0-9]+$',
  'a.b',
  'x{3}',
  'x{2,}',
  'x{2,3}',
  'x{0}y',
  '(ab){1,255}',
  '((a{10}){10}){10}',
  '[[:alnum:]_]+',
  '[[:alpha:]][[:blank:]][[:cntrl:]]?[[:graph:]][[:lower:]][[:print:]][[:punct:]][[:space:]][[:upper:]][[:xdigit:]]',
  '[^[:space:]]+',
  '[]x]',
  '[^]x]',
  '[-x]',
  '[x-]',
  '[a-z0-9A-F-]',
  '[[:digit:]-]',
  '[a^]',
  '[[x]',
  '\\\\ \\. \\[ \\] \\( \\) \\* \\+ \\? \\{ \\} \\| \\^ \\$',
  'a}',
  'a]',
  '^$',
  '(^|x)(y|$)',
  "!#%&,/:;<=>@_~= -",
];

describe('portable regexes: accepted', () => {
  it('accepts the patterns the library, examples and tests use, and every construct of the subset', () => {
    for (const pattern of [...IN_USE, ...PORTABLE]) assert.equal(portableRegexProblem(pattern, PROCESS_REGEX), undefined, pattern);
  });

  it('accepts the process groups and queue file pattern of every supported Mailman series', () => {
    for (const series of SUPPORTED_MAILMAN_SERIES) {
      const host = new MailingListHost(newStack(), 'host', { ...hostProps(), mailmanVersion: `${series}.0` });
      assert.equal(hostModelRegexProblem(host.model), undefined, series);
      for (const group of host.model.service.processGroups) assert.equal(portableRegexProblem(group.cmdlineRegex, PROCESS_REGEX), undefined, group.cmdlineRegex);
      assert.equal(portableRegexProblem(host.model.service.queueFilePattern!, QUEUE_FILE_REGEX), undefined);
    }
  });

  it('keeps what it accepted per dialect: a pattern accepted for processes is still checked for queue files', () => {
    const pattern = '^[0-9]{10}\\.pck$';
    for (let i = 0; i < 2; i++) {
      assert.equal(portableRegexProblem(pattern, PROCESS_REGEX), undefined);
      assert.match(portableRegexProblem(pattern, QUEUE_FILE_REGEX) ?? '', /the interval "\{10\}" is read as literal braces by mawk/);
    }
  });
});

describe('portable regexes: rejected, with where and what to write instead', () => {
  const rejected: Array<[pattern: string, message: RegExp]> = [
    ['sleep \\d+', /^at character 7, "\\d" is not portable: outside brackets a backslash may only escape one of \\ \. \[ \] \( \) \* \+ \? \{ \} \| \^ \$; write \[0-9\] or \[\[:digit:\]\]$/],
    ['\\D', /"\\D" is not portable.*write \[\^0-9\]/],
    ['a\\sb', /at character 2, "\\s" is not portable.*write \[\[:space:\]\]$/],
    ['\\S+', /write \[\^\[:space:\]\]$/],
    ['\\w+', /"\\w" is not portable.*write \[\[:alnum:\]_\]$/],
    ['\\bqmgr\\b', /"\\b" is not portable.*no portable word boundary.*\( \|\$\)/],
    ['\\<qmgr', /"\\<" is not portable.*word boundary/],
    ['(a)\\1', /at character 4, "\\1" is not portable.*backreference, which RE2 does not have/],
    ['a\\nb', /"\\n" is not portable.*no control characters/],
    ['a\\tb', /"\\t" is not portable.*\[\[:blank:\]\]/],
    ['\\x41', /"\\x" is not portable.*write the character itself/],
    ['\\Qa.b\\E', /"\\Q" is not portable.*escape each metacharacter with a backslash/],
    ['\\Aqmgr', /write \^$/],
    ['\\/usr', /"\\\/" is not portable.*write "\/" without the backslash/],
    ['x\\', /at character 2, a trailing backslash escapes nothing/],
    ['(?:in|out)', /at character 1, "\(\?:" is a non-capturing group, which POSIX ERE does not have; a plain group \(\.\.\.\) matches the same/],
    ['[0-9]+(?! --dry-run)', /at character 7, "\(\?!" is a lookaround, which neither RE2 nor POSIX ERE has \(pgrep reports a regex error\)/],
    ['qmgr(?= )', /"\(\?=" is a lookaround/],
    ['(?<=x)y', /"\(\?<=" is a lookaround/],
    ['(?<!x)y', /"\(\?<!" is a lookaround/],
    ['(?i)qmgr', /"\(\?i" starts inline flags.*\[Qq\]mgr/],
    ['(?P<name>x)', /a named group is RE2 only/],
    ['(?<name>x)', /a named group is RE2 only/],
    ['a.*?b', /at character 4, "\*\?" is a lazy quantifier to RE2 but undefined in POSIX ERE; drop the "\?"/],
    ['a+?', /"\+\?" is a lazy quantifier/],
    ['a??', /"\?\?" is a lazy quantifier/],
    ['a{2,3}?', /at character 7, "\{2,3\}\?" is a lazy quantifier/],
    ['a*+', /at character 3, "\*\+" is a possessive quantifier, which RE2 rejects and POSIX ERE leaves undefined; drop the "\+"/],
    ['a{2}+', /"\{2\}\+" is a possessive quantifier/],
    ['a**', /"\*\*" repeats a quantifier/],
    ['a+{2}', /"\+\{2\}" repeats a quantifier/],
    ['*a', /at character 1, "\*" has nothing to repeat; write \\\* for a literal "\*"/],
    ['(+a)', /"\+" has nothing to repeat/],
    ['a|?b', /"\?" has nothing to repeat/],
    ['^*', /"\*" has nothing to repeat/],
    ['[\\d]', /at character 2, a backslash inside \[\.\.\.\] is an escape to RE2 but a literal backslash to POSIX ERE; use a class such as \[:digit:\]/],
    ['[a\\]]', /a backslash inside \[\.\.\.\]/],
    ['[a-\\]', /a backslash inside \[\.\.\.\]/],
    ['[[:word:]]+', /at character 2, \[:word:\] is RE2 only \(POSIX has no such class\); write \[\[:alnum:\]_\]/],
    ['[[:digits:]]', /\[:digits:\] is not a class both know; use one of \[:alnum:\]/],
    ['[[:digit]', /"\[:" inside brackets must start a class/],
    ['[[.a.]]', /collating symbol or equivalence class/],
    ['[[=a=]]', /collating symbol or equivalence class/],
    ['[z-a]', /the range "z-a" must run upwards/],
    ['[a-Z]', /the range "a-Z" must run upwards between two digits or two letters of one case/],
    ['[!-/]', /the range "!-\/" must run upwards/],
    ['[a-c-e]', /at character 5, "-" inside brackets must come first or last/],
    ['[[:digit:]-z]', /a range cannot start at a class/],
    ['[abc', /at character 1, "\[" is never closed by "\]"; write \\\[ for a literal bracket/],
    ['[]', /"\[" is never closed/],
    ['(a', /at character 1, "\(" is never closed by "\)"; write \\\( for a literal parenthesis/],
    ['a)', /at character 2, "\)" closes no group; write \\\) for a literal parenthesis/],
    ['a||b', /at character 3, an alternative is empty/],
    ['|a', /at character 1, an alternative is empty/],
    ['a|', /an alternative is empty/],
    ['(a|)', /an alternative is empty.*write \(x\)\? for an optional x/],
    ['()', /an alternative is empty/],
    ['', /the pattern is empty/],
    ['a{', /at character 2, "\{" does not start an interval \{n\}, \{n,\} or \{n,m\}.*write \\\{ for a literal brace/],
    ['a{,3}', /"\{" does not start an interval/],
    ['a{x}', /"\{" does not start an interval/],
    ['a{3,2}', /the interval "\{3,2\}" has its maximum below its minimum/],
    ['a{256}', /the interval "\{256\}" counts above 255, POSIX's RE_DUP_MAX/],
    ['((a{20}){10}){10}', /nested intervals repeat 2000 times, above RE2's limit of 1000/],
    ['caf\u00e9', /at character 4, "é" is not printable ASCII/],
    [`${'('.repeat(101)}a${')'.repeat(101)}`, /groups nest more than 100 deep/],
  ];
  for (const [pattern, message] of rejected) {
    it(`rejects ${JSON.stringify(pattern)}`, () => {
      const problem = portableRegexProblem(pattern, PROCESS_REGEX);
      assert.ok(problem !== undefined, `${pattern} was accepted`);
      assert.match(problem, message);
    });
  }

  it('queue file patterns: the same subset without {n,m}, which mawk (Debian 12 awk) reads as literal braces', () => {
    for (const pattern of ['^[0-9]+(\\.[0-9]+)?\\+[0-9a-f]+\\.(pck|bak|psv)$', '^[0-9]+', '^[0-9]+\\.[0-9]*\\+[0-9a-f]+\\.(pck|bak)$', 'a\\{2\\}']) {
      assert.equal(portableRegexProblem(pattern, QUEUE_FILE_REGEX), undefined, pattern);
    }
    assert.match(
      portableRegexProblem('^[0-9]+\\+[0-9a-f]{40}\\.pck$', QUEUE_FILE_REGEX)!,
      /^at character 18, the interval "\{40\}" is read as literal braces by mawk, Debian 12's awk \(the queue collector\); write the repetition out, e\.g\. \[0-9\]\[0-9\] for \[0-9\]\{2\}$/,
    );
    assert.match(portableRegexProblem('^\\d+\\.pck$', QUEUE_FILE_REGEX)!, /"\\d" is not portable/);
  });
});

describe('portable regexes in host models (listhost lint, synthesis)', () => {
  type Json = Record<string, any>;
  const cases: Array<[string, (m: Json) => void, string, RegExp]> = [
    ['cmdlineRegex', (m) => (m.service.processGroups[2].cmdlineRegex = 'sleep \\d+'), '/service/processGroups/2/cmdlineRegex', /cmdlineRegex "sleep \\\\d\+" is not a regular expression that RE2 \(process-exporter\) and POSIX ERE \(pgrep, Icinga check_procs\) read alike: at character 7, "\\d" is not portable/],
    ['pgrepPattern', (m) => (m.service.processGroups[13].pgrepPattern = '[0-9]+(?! --dry-run)'), '/service/processGroups/13/pgrepPattern', /pgrepPattern "\[0-9\]\+\(\?! --dry-run\)" is not a regular expression .* "\(\?!" is a lookaround/],
    ['queueFilePattern', (m) => (m.service.queueFilePattern = '^[0-9]{10}\\+'), '/service/queueFilePattern', /queueFilePattern "\^\[0-9\]\{10\}\\\\\+" is not a regular expression that POSIX ERE in bash \[\[ =~ \]\] .* the interval "\{10\}"/],
  ];
  for (const [name, mutate, pointer, message] of cases) {
    it(`rejects a non-portable ${name} with the JSON pointer`, () => {
      const model = JSON.parse(JSON.stringify(exampleHostModel())) as Json;
      mutate(model);
      assert.throws(() => validateHostModel(model, 'spec.json'), (error: Error) => {
        assert.equal(error.name, 'ListhostSchemaError');
        assert.ok(error.message.startsWith(`spec.json at ${pointer}: `), error.message);
        assert.match(error.message, message);
        return true;
      });
    });
  }

  it('accepts the example model, a null queueFilePattern and an empty one (both mean: age by mtime)', () => {
    for (const pattern of [undefined, null, '']) {
      const model = JSON.parse(JSON.stringify(exampleHostModel())) as Json;
      if (pattern !== undefined) model.service.queueFilePattern = pattern;
      validateHostModel(model, 'spec.json');
    }
  });
});
