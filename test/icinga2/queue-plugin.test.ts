/**
 * The queue check plugin against real queue directories built here, with
 * files named as Mailman names them (`<enqueue time>.<fraction>+<sha1>.pck`).
 */
import { strict as assert } from 'node:assert';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { HostModel } from '../../lib/model/types';
import { QUEUE_PLUGIN_PATH, queueCheckPluginFiles, queueTextfilePath, renderQueueCheckPlugin } from '../../lib/render/queue-check-plugin';
import { renderQueueCollector } from '../../lib/render/queue-collector';
import { exampleHostModel } from '../fixtures/host-model';
import { run } from '../helpers/run';
import { shq } from '../../lib/render/shell';

const work = mkdtempSync(join(tmpdir(), 'listhost-queue-plugin-'));
after(() => rmSync(work, { recursive: true, force: true }));
chmodSync(work, 0o755);

/** Mailman's naming, pinned here so the plugin's rules are tested whatever the fixture says. */
const PATTERN = '^[0-9]+(\\.[0-9]+)?\\+[0-9a-f]+\\.(pck|bak|psv)$';
const GLOB = '*.[pb][sca][vk]';
const fixture = exampleHostModel();
const host: HostModel = { ...fixture, service: { ...fixture.service, queueFilePattern: PATTERN, queueFileGlob: GLOB } };
const plugin = join(work, 'check_listhost_queue');
writeFileSync(plugin, renderQueueCheckPlugin(host));
chmodSync(plugin, 0o755);

const now = () => Math.floor(Date.now() / 1000);
const sha1 = (i: number) => i.toString(16).padStart(40, 'a').slice(-40);
/** A Mailman queue file enqueued `ageSeconds` ago. */
const mailmanName = (ageSeconds: number, i: number) => `${now() - ageSeconds}.123456+${sha1(i)}.pck`;

let dirs = 0;
function queueDir(name: string, files: Record<string, { mtimeAgo?: number }> = {}): string {
  const dir = join(work, `q${dirs++}`, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, { mtimeAgo }] of Object.entries(files)) {
    const path = join(dir, file);
    writeFileSync(path, 'x');
    if (mtimeAgo !== undefined) utimesSync(path, now() - mtimeAgo, now() - mtimeAgo);
  }
  return dir;
}

function check(args: readonly string[], as?: string) {
  const result = as ? run('runuser', ['-u', as, '--', plugin, ...args]) : run(plugin, args);
  const lines = result.stdout.split('\n').filter((l) => l !== '');
  return { ...result, lines, line: lines[0] ?? '' };
}

/** Parses `QUEUE STATE - text | messages=N;W;C;0 oldest_age=Ns;w;c;0`. */
function parse(line: string) {
  const m = /^QUEUE (OK|WARNING|CRITICAL) - (.*) \| messages=(\d+);(\d*);(\d*);0 oldest_age=(\d+)s;(\d+);(\d+);0$/.exec(line);
  assert.ok(m, `status line does not follow the format: ${line}`);
  return { state: m[1], text: m[2], messages: Number(m[3]), w: m[4], c: m[5], age: Number(m[6]), ageW: Number(m[7]), ageC: Number(m[8]) };
}

describe('check_listhost_queue on real queue directories', () => {
  it('passes shellcheck', () => {
    const result = run('shellcheck', ['-s', 'bash', plugin]);
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });

  it('shellcheck rejects a plugin with an unquoted expansion (the check can fail)', () => {
    const broken = renderQueueCheckPlugin(host).replace('[ -d "$dir" ]', '[ -d $dir ]');
    assert.notEqual(run('shellcheck', ['-s', 'bash', '-'], { input: broken }).status, 0);
  });

  it('OK: three fresh messages, age from the oldest file name', () => {
    const dir = queueDir('out', { [mailmanName(600, 1)]: {}, [mailmanName(60, 2)]: {}, [`${now() - 30}+${sha1(3)}.pck`]: {} });
    const r = check(['-d', dir, '-w', '900', '-c', '1800', '-W', '1000']);
    assert.equal(r.status, 0, r.stdout);
    assert.equal(r.lines.length, 1);
    const p = parse(r.line);
    assert.equal(p.state, 'OK');
    assert.equal(p.messages, 3);
    assert.ok(p.age >= 600 && p.age < 700, String(p.age));
    assert.match(p.text, /^out: 3 messages, oldest \d+s$/);
    assert.deepEqual([p.w, p.c, p.ageW, p.ageC], ['1000', '', 900, 1800]);
  });

  it('the age comes from the name, not the mtime (the files were written just now)', () => {
    const dir = queueDir('out', { [mailmanName(5000, 1)]: { mtimeAgo: 0 } });
    assert.ok(parse(check(['-d', dir, '-w', '900', '-c', '9000']).line).age >= 5000);
  });

  it('WARNING: oldest message older than -w', () => {
    const dir = queueDir('retry', { [mailmanName(1000, 1)]: {}, [mailmanName(10, 2)]: {} });
    const r = check(['-d', dir, '-w', '900', '-c', '1800']);
    assert.equal(r.status, 1, r.stdout);
    assert.equal(parse(r.line).state, 'WARNING');
    assert.match(r.line, /^QUEUE WARNING - retry: 2 messages, oldest 10\d\ds \(oldest > 900s\) \| /);
  });

  it('WARNING: more messages than -W (a ticket queue warns on any message with -W 0)', () => {
    const dir = queueDir('shunt', { [mailmanName(5, 1)]: {} });
    const r = check(['-d', dir, '-w', '900', '-c', '1800', '-W', '0']);
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.line, /\(messages > 0\)/);
    assert.equal(parse(r.line).messages, 1);
  });

  it('CRITICAL: oldest message older than -c (the 2023 out queue)', () => {
    const files: Record<string, object> = {};
    for (let i = 0; i < 50; i++) files[mailmanName(7200 - i * 10, i)] = {};
    const dir = queueDir('out', files);
    const r = check(['-d', dir, '-w', '900', '-c', '1800', '-W', '1000']);
    assert.equal(r.status, 2, r.stdout);
    const p = parse(r.line);
    assert.equal(p.state, 'CRITICAL');
    assert.equal(p.messages, 50);
    assert.ok(p.age >= 7200);
  });

  it('CRITICAL: more messages than -C', () => {
    const dir = queueDir('in', { [mailmanName(1, 1)]: {}, [mailmanName(2, 2)]: {}, [mailmanName(3, 3)]: {} });
    const r = check(['-d', dir, '-w', '900', '-c', '1800', '-W', '1', '-C', '2']);
    assert.equal(r.status, 2, r.stdout);
    assert.match(r.line, /messages=3;1;2;0/);
  });

  it('OK with an empty queue: 0 messages, age 0', () => {
    const r = check(['-d', queueDir('virgin'), '-w', '900', '-c', '1800']);
    assert.equal(r.status, 0);
    assert.equal(r.line, 'QUEUE OK - virgin: 0 messages | messages=0;;;0 oldest_age=0s;900;1800;0');
  });

  it('counts the files matching the glob (a .bak being processed is one, a .tmp being written is not) and ages odd names by mtime', () => {
    const dir = queueDir('bounces', {
      [mailmanName(100, 1)]: {},
      [`${now() - 200}+${sha1(2)}.bak`]: {},
      [`${now() - 99999}+${sha1(3)}.tmp`]: {},
      'odd-name.pck': { mtimeAgo: 3000 },
    });
    mkdirSync(join(dir, 'subdir.pck'));
    const r = check(['-d', dir, '-w', '900', '-c', '9000']);
    assert.equal(r.status, 1, r.stdout);
    const p = parse(r.line);
    assert.equal(p.messages, 3);
    assert.ok(p.age >= 3000 && p.age < 3100, String(p.age));
  });

  it('--pattern and --glob override the host defaults', () => {
    const dir = queueDir('bounces', { [mailmanName(5000, 1)]: { mtimeAgo: 10 }, 'x.tmp': { mtimeAgo: 20 } });
    assert.ok(parse(check(['-d', dir, '-w', '900', '-c', '9000']).line).age >= 5000);
    // An empty pattern ages everything by mtime.
    assert.ok(parse(check(['-d', dir, '-w', '900', '-c', '9000', '--pattern', '']).line).age < 100);
    assert.equal(parse(check(['-d', dir, '-w', '900', '-c', '9000']).line).messages, 1);
    assert.equal(parse(check(['-d', dir, '-w', '900', '-c', '9000', '--glob', '*']).line).messages, 2);
    assert.equal(parse(check(['-d', dir, '-w', '900', '-c', '9000', '--glob=*.tmp']).line).messages, 1);
  });

  it('UNKNOWN: the queue directory is missing', () => {
    const r = check(['-d', join(work, 'no', 'such', 'out'), '-w', '900', '-c', '1800']);
    assert.equal(r.status, 3);
    assert.equal(r.lines.length, 1);
    assert.match(r.line, /^QUEUE UNKNOWN - out: .*no\/such\/out does not exist/);
  });

  it('UNKNOWN: the queue directory is not readable for the user running the check', () => {
    const dir = queueDir('out', { [mailmanName(1, 1)]: {} });
    chmodSync(dir, 0o700);
    const r = check(['-d', dir, '-w', '900', '-c', '1800'], 'nagios');
    assert.equal(r.status, 3, r.stdout + r.stderr);
    assert.match(r.line, /^QUEUE UNKNOWN - out: .* is not readable$/);
  });

  it('UNKNOWN: bad arguments', () => {
    const dir = queueDir('out');
    for (const args of [
      [],
      ['-d', dir, '-w', '900'],
      ['-d', dir, '-w', 'ten', '-c', '1800'],
      ['-d', dir, '-w', '900', '-c', '1800', '-W', '-1'],
      ['-d', dir, '-w', '1800', '-c', '900'],
      ['-d', dir, '-w', '900', '-c', '1800', '-W', '10', '-C', '5'],
      ['-d', dir, '-w', '900', '-c', '1800', '--pattern', '(('],
      ['-d', dir, '-w', '900', '-c', '1800', '--bogus'],
      ['-d'],
    ]) {
      const r = check(args);
      assert.equal(r.status, 3, `${args.join(' ')}: ${r.stdout}`);
      assert.equal(r.lines.length, 1, r.stdout);
      assert.match(r.line, /^QUEUE UNKNOWN - /);
    }
  });

  it('leading zeros are decimal, not octal', () => {
    const dir = queueDir('out', { [mailmanName(9, 1)]: {} });
    const r = check(['-d', dir, '-w', '010', '-c', '0100']);
    assert.equal(r.status, 0, r.stdout);
    assert.match(r.line, /oldest_age=\d+s;10;100;0$/);
  });

  it('a queue directory name with spaces and quotes is handled as one word', () => {
    const dir = queueDir(`it's "odd" dir`, { [mailmanName(2000, 1)]: {} });
    const r = check(['-d', dir, '-w', '900', '-c', '1800']);
    assert.equal(r.status, 2, r.stdout);
    assert.match(r.line, /^QUEUE CRITICAL - it's "odd" dir: 1 messages/);
  });
});

describe('check_listhost_queue --max-depth on a hashed queue (Postfix: deferred/A/QUEUEID)', () => {
  /** deferred/ as Postfix 3.7 hashes it (hash_queue_depth = 1), plus a file one level deeper still. */
  function hashedQueue(): string {
    const dir = queueDir('deferred');
    const files: Array<[string, number]> = [['A/4C2F1D2E3A', 7200], ['A/4C2F1D2E3B', 60], ['F/8E1B2C3D4F', 120], ['B/C/1D2E3F4A5B', 99999]];
    for (const [file, ago] of files) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), 'x');
      utimesSync(join(dir, file), now() - ago, now() - ago);
    }
    mkdirSync(join(dir, 'E')); // an empty hash directory is no message
    return dir;
  }
  const args = (dir: string, ...more: string[]) => ['-d', dir, '-w', '900', '-c', '1800', '--pattern', '', '--glob', '*', ...more];

  it('depth 2 counts the messages one level down, never a directory, and ages them by mtime', () => {
    const p = parse(check(args(hashedQueue(), '--max-depth', '2')).line);
    assert.equal(p.messages, 3);
    assert.equal(p.state, 'CRITICAL');
    assert.ok(p.age >= 7200 && p.age < 7300, String(p.age));
  });

  it('depth 1 (the default of a Mailman host) sees none of them: the hash directories are not messages', () => {
    const p = parse(check(args(hashedQueue())).line);
    assert.deepEqual([p.state, p.messages, p.age], ['OK', 0, 0]);
  });

  it('depth 3 reaches the deeper file too; --max-depth=N works as well', () => {
    const p = parse(check(args(hashedQueue(), '--max-depth=3')).line);
    assert.equal(p.messages, 4);
    assert.ok(p.age >= 99999, String(p.age));
  });

  it('UNKNOWN on a depth out of range or not a number', () => {
    for (const depth of ['0', '5', 'two', '', '1 2']) {
      const r = check(args(hashedQueue(), '--max-depth', depth));
      assert.equal(r.status, 3, `${depth}: ${r.stdout}`);
      assert.match(r.line, /^QUEUE UNKNOWN - --max-depth '.*' is not a depth from 1 to 4$/);
    }
  });

  it("defaults to the host's queueFileMaxDepth, and passes shellcheck so rendered", () => {
    const path = join(work, 'check_depth_2');
    const script = renderQueueCheckPlugin({ ...host, service: { ...host.service, queueFilePattern: null, queueFileGlob: '*', queueFileMaxDepth: 2 } });
    assert.ok(script.includes('readonly DEFAULT_MAX_DEPTH=2\n'));
    assert.equal(run('shellcheck', ['-s', 'bash', '-'], { input: script }).status, 0);
    writeFileSync(path, script);
    chmodSync(path, 0o755);
    const r = run(path, ['-d', hashedQueue(), '-w', '900', '-c', '1800']);
    assert.equal(parse(r.stdout.trim()).messages, 3, r.stdout);
  });
});

describe('the plugin as rendered for a host', () => {
  it('reads, with --textfile, the file the queue collector writes (queueCheckSource collector)', () => {
    const collector = renderQueueCollector(fixture);
    assert.ok(collector.includes(`'${queueTextfilePath(fixture)}'`), queueTextfilePath(fixture));
    const script = renderQueueCheckPlugin(fixture);
    assert.ok(script.includes(`readonly METRIC_PREFIX=${shq(fixture.service.metricPrefix)}\n`));
    assert.equal(run('shellcheck', ['-s', 'bash', '-'], { input: script }).status, 0);
  });

  it("defaults to the host model's file pattern, glob and depth", () => {
    const script = renderQueueCheckPlugin(fixture);
    assert.ok(script.includes(`readonly DEFAULT_PATTERN=${shq(fixture.service.queueFilePattern ?? '')}\n`));
    assert.ok(script.includes(`readonly DEFAULT_GLOB=${shq(fixture.service.queueFileGlob)}\n`));
    assert.ok(script.includes(`readonly DEFAULT_MAX_DEPTH=1\n`));
  });

  it('quotes the model values it embeds', () => {
    const odd: HostModel = { ...host, service: { ...host.service, queueFilePattern: "^[0-9]+'; touch /tmp/pwned; '", queueFileGlob: "*.p'ck" } };
    const script = renderQueueCheckPlugin(odd);
    // bash reads back the values exactly; nothing runs.
    const line = (name: string) => script.split('\n').find((l) => l.startsWith(`readonly ${name}=`))!;
    const readBack = run('bash', ['-c', `${line('DEFAULT_PATTERN')}\n${line('DEFAULT_GLOB')}\nprintf '%s\\0%s' "$DEFAULT_PATTERN" "$DEFAULT_GLOB"`]);
    assert.equal(readBack.stdout, `${odd.service.queueFilePattern}\0${odd.service.queueFileGlob}`);
    assert.equal(run('shellcheck', ['-s', 'bash', '-'], { input: script }).status, 0);
  });

  it('a null pattern ages every message by mtime', () => {
    const path = join(work, 'check_null_pattern');
    writeFileSync(path, renderQueueCheckPlugin({ ...host, service: { ...host.service, queueFilePattern: null } }));
    chmodSync(path, 0o755);
    const dir = queueDir('out', { [mailmanName(5000, 1)]: { mtimeAgo: 10 } });
    const r = run(path, ['-d', dir, '-w', '900', '-c', '9000']);
    assert.equal(r.status, 0, r.stdout);
    assert.ok(parse(r.stdout.trim()).age < 100);
  });

  it('is installed executable at the path the CheckCommand runs', () => {
    assert.deepEqual(queueCheckPluginFiles(host).map((f) => [f.path, f.mode]), [[QUEUE_PLUGIN_PATH, 0o755]]);
    assert.equal(QUEUE_PLUGIN_PATH, '/usr/lib/nagios/plugins/check_listhost_queue');
  });
});
