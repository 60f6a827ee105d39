/**
 * The portable regex subset (lib/model/portable-regex.ts) run by the real
 * engines it is written into, no mocks: probe processes with known command
 * lines are counted by prometheus-process-exporter (Go regexp, RE2 syntax;
 * started through the e2e harness), `pgrep -f` and Icinga's `check_procs
 * --ereg-argument-array` (POSIX ERE, glibc) and `grep -E`, and every accepted
 * pattern must count the same everywhere. Patterns the checker rejects are
 * run too, to show that the engines do disagree on them. Queue file
 * patterns run through bash's `[[ =~ ]]` and awk exactly as the queue check
 * and collector run them.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { portableRegexProblem, PROCESS_REGEX, QUEUE_FILE_REGEX } from '../../lib/model/portable-regex';
import { processExporterYaml, scrape, startProcessExporter, valueOf } from '../e2e/harness/exporters';
import { cmdlineString, procRef, terminate, waitFor, type ProcRef } from '../e2e/harness/proc';
import { pool } from '../cli/helpers';
import { run } from '../helpers/run';

const CHECK_PROCS = '/usr/lib/nagios/plugins/check_procs';
const TAG = `lhprobe${process.pid}x${randomBytes(4).toString('hex')}`;

/** Probe processes: `sleep 600` with argv[0] set, so /proc/PID/cmdline reads "<argv0> 600". */
const PROBES: Record<string, string> = {
  out: `python3 /opt/${TAG}/bin/runner -C /etc/mailman3/mailman.cfg --runner=out:0:1`,
  in: `python3 /opt/${TAG}/bin/runner -C /etc/mailman3/mailman.cfg --runner=in:0:1`,
  master: `python3 /opt/${TAG}/bin/master`,
  qmgr: `${TAG}-qmgr -l -t unix -u`,
};

/** Accepted patterns and the probes each must count (every one names TAG, so nothing else on the machine matches). */
const ACCEPTED: ReadonlyArray<readonly [string, readonly string[]]> = [
  [`^python3 /opt/${TAG}/bin/runner .*--runner=out:`, ['out']],
  [`^[^ ]+ /opt/${TAG}/bin/runner .*--runner=(in|out):[0-9]+:[[:digit:]]+ `, ['in', 'out']],
  [`^[^ ]+ /opt/${TAG}/bin/(runner|master)( |$)`, ['in', 'out', 'master']],
  [`^[^ ]+ /opt/${TAG}/bin/master( |$)`, ['master']],
  [`^[^ ]+ /opt/${TAG}/bin/runner -C /etc/mailman3/mailman\\.cfg --runner=in:0:1 600$`, ['in']],
  [`^[^ ]+ /opt/${TAG}/bin/[]a-z[]+ -C`, ['in', 'out']],
  [`^${TAG}-qmgr( -[lt])+ `, ['qmgr']],
  [`^${TAG}-qmgr -l -t unix -u [0-9]{3}$`, ['qmgr']],
  [`^${TAG}-qmgr -l -t unix -u [^[:space:]]{2,}$`, ['qmgr']],
  [`^${TAG}-qmgr -l -t unix -u 6?0{1,2}$`, ['qmgr']],
  [`^${TAG}-qmgr (-[[:alpha:]] )*unix`, ['qmgr']],
  [`^${TAG}-(qmgr|pickup)( |$)`, ['qmgr']],
  [`^${TAG}-qmgr -l( \\| never| \\$HOME)?`, ['qmgr']],
  [`^${TAG}-QMGR`, []],
  [`^${TAG}-qmgr -l -t unix -u [0-9]{4}$`, []],
];

/** Rejected patterns RE2 accepts, and what each engine makes of them. */
const REJECTED: ReadonlyArray<readonly [pattern: string, re2: number, posix: number | 'error']> = [
  [`^${TAG}-qmgr -l -t unix -u \\d+$`, 1, 0], // POSIX: the letter d
  [`^${TAG}-qmgr -l -t unix -u [\\d]+$`, 1, 0], // POSIX: a backslash or d
  [`^${TAG}-qmgr[[:word:]]* `, 1, 'error'], // POSIX: no such class
];

const children: ChildProcess[] = [];
/** The probes' identities (PID and start time), stopped by PID in teardown. */
const probeRefs: ProcRef[] = [];

function pgrepCount(pattern: string): number | 'error' {
  const result = run('pgrep', ['-c', '-f', '--', pattern]);
  if (result.status === 2) return 'error';
  assert.ok(result.status === 0 || result.status === 1, `pgrep ${pattern}: status ${result.status} ${result.stderr}`);
  return Number(result.stdout.trim());
}

function checkProcsCount(pattern: string): number | 'error' {
  const result = run(CHECK_PROCS, [`--ereg-argument-array=${pattern}`]);
  if (result.status === 3 && /Could not compile regular expression/.test(result.stdout)) return 'error';
  const m = /\| procs=([0-9]+);/.exec(result.stdout);
  assert.ok(m, `check_procs ${pattern}: ${result.stdout}${result.stderr}`);
  return Number(m[1]);
}

function grepCount(pattern: string, lines: readonly string[]): number {
  const result = run('grep', ['-c', '-E', '--', pattern], { input: `${lines.join('\n')}\n`, env: { ...process.env, LC_ALL: 'C' } });
  assert.ok(result.status === 0 || result.status === 1, `grep -E ${pattern}: ${result.stderr}`);
  return Number(result.stdout.trim());
}

describe('portable regexes in the real engines: process-exporter (RE2), pgrep, check_procs and grep -E (POSIX ERE)', () => {
  let lines: string[] = [];
  /** Pattern -> live processes process-exporter counts in its group. */
  const re2 = new Map<string, number>();

  before(async () => {
    for (const argv0 of Object.values(PROBES)) {
      const child = spawn('sleep', ['600'], { argv0, stdio: 'ignore' });
      children.push(child);
      probeRefs.push(procRef(child.pid!)!);
    }
    const expected = Object.values(PROBES).map((argv0) => `${argv0} 600`);
    lines = await waitFor(
      async () => {
        const got = children.map((child) => cmdlineString(child.pid!) ?? '');
        return got.every((line, i) => line === expected[i]) ? got : undefined;
      },
      { timeoutMs: 10_000, what: 'the probe processes' },
    );
    // process-exporter puts a process in the first group that matches it, so
    // overlapping patterns each get an exporter of their own (a few at a time).
    const patterns = [...ACCEPTED, ...REJECTED].map(([pattern]) => pattern);
    const count = async (pattern: string) => {
      const exporter = await startProcessExporter({ configYaml: processExporterYaml([{ name: 'probe', cmdline: [pattern] }]) });
      try {
        const samples = await scrape(exporter.url);
        re2.set(pattern, valueOf(samples, 'namedprocess_namegroup_num_procs', { groupname: 'probe' }) ?? 0);
      } finally {
        await exporter.stop();
      }
    };
    await pool(patterns.map((pattern) => () => count(pattern)));
  });

  after(async () => {
    assert.deepEqual(await terminate(probeRefs, { term: false }), [], 'every probe is gone');
  });

  it('counts each accepted pattern alike in all four engines', () => {
    for (const [pattern, probes] of ACCEPTED) {
      assert.equal(portableRegexProblem(pattern, PROCESS_REGEX), undefined, pattern);
      const want = probes.length;
      assert.deepEqual(
        { re2: re2.get(pattern), pgrep: pgrepCount(pattern), checkProcs: checkProcsCount(pattern), grep: grepCount(pattern, lines) },
        { re2: want, pgrep: want, checkProcs: want, grep: want },
        `${pattern} should count ${probes.join(', ') || 'nothing'}`,
      );
    }
  });

  it('the rejected patterns RE2 accepts count differently in POSIX ERE, or are a regex error there', () => {
    for (const [pattern, inRe2, inPosix] of REJECTED) {
      assert.ok(portableRegexProblem(pattern, PROCESS_REGEX) !== undefined, `${pattern} was accepted`);
      assert.equal(re2.get(pattern), inRe2, `process-exporter ${pattern}`);
      assert.equal(pgrepCount(pattern), inPosix, `pgrep ${pattern}`);
      assert.equal(checkProcsCount(pattern), inPosix, `check_procs ${pattern}`);
    }
  });

  it('a lookahead is a regex error to pgrep and check_procs: self-heal would count 0', () => {
    const pattern = `^${TAG}-qmgr(?! --dry-run)`;
    assert.match(portableRegexProblem(pattern, PROCESS_REGEX)!, /"\(\?!" is a lookaround/);
    assert.equal(pgrepCount(pattern), 'error');
    assert.equal(checkProcsCount(pattern), 'error');
  });
});

describe('queue file patterns in the real engines: bash [[ =~ ]] (queue check) and awk (queue collector)', () => {
  const NAMES = ['1700000000.123456+0a1b2c3d4e5f67890a1b2c3d4e5f67890a1b2c3d.pck', '1700000000+deadbeef.bak', '1700000000+deadbeef.psv', 'a{2}', 'aa', 'x.pck', '4C2F1D2E3A'];

  /** 1/0 per (pattern, name), from bash and from awk, run as check_listhost_queue and the collector run them. */
  function matches(patterns: readonly string[]): { bash: string[]; awk: string[] } {
    const script = `
set -u
LC_ALL=C
export LC_ALL
while IFS= read -r pattern; do
  bash_row='' awk_row=''
  for file in "$@"; do
    if [[ $file =~ $pattern ]]; then bash_row+=1; else bash_row+=0; fi
    awk_row+=$(printf '%s\\n' "$file" | PATTERN="$pattern" awk 'BEGIN { pattern = ENVIRON["PATTERN"] } { printf "%d", (pattern != "" && $0 ~ pattern) ? 1 : 0 }')
  done
  printf '%s %s\\n' "$bash_row" "$awk_row"
done
`;
    const result = run('bash', ['-c', script, 'matches', ...NAMES], { input: `${patterns.join('\n')}\n` });
    assert.equal(result.status, 0, result.stderr);
    const rows = result.stdout.trim().split('\n').map((line) => line.split(' '));
    return { bash: rows.map((r) => r[0]), awk: rows.map((r) => r[1]) };
  }

  it('the accepted patterns match the same names in both', () => {
    const accepted = ['^[0-9]+(\\.[0-9]+)?\\+[0-9a-f]+\\.(pck|bak|psv)$', '^[0-9]+', '^[[:digit:]]+\\+[[:xdigit:]]+\\.(pck|bak)$', '^a\\{2\\}$', '^a+$', '^[^.]+$', '\\.pck$'];
    for (const pattern of accepted) assert.equal(portableRegexProblem(pattern, QUEUE_FILE_REGEX), undefined, pattern);
    const { bash, awk } = matches(accepted);
    assert.deepEqual(awk, bash);
    assert.deepEqual(bash, ['1110000', '1110001', '0100000', '0001000', '0000100', '0001101', '1000010']);
  });

  it('an interval, rejected for queue file names, means something else to mawk (Debian 12 awk)', () => {
    const pattern = '^[0-9]{10}\\+';
    assert.match(portableRegexProblem(pattern, QUEUE_FILE_REGEX)!, /the interval "\{10\}" is read as literal braces by mawk/);
    assert.equal(portableRegexProblem(pattern, PROCESS_REGEX), undefined, 'intervals are fine for process groups');
    const { bash, awk } = matches([pattern, '^a{2}$']);
    assert.deepEqual(bash, ['0110000', '0000100']);
    assert.deepEqual(awk, ['0000000', '0001000'], 'mawk reads {n} as literal braces');
  });
});
