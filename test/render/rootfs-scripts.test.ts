/**
 * The generated shell: shellcheck on every script, and the queue collector
 * and self-heal run for real against directories and processes built here.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { HostModel } from '../../lib/model/types';
import { renderRootfs } from '../../lib/render/rootfs';
import { renderQueueCollector } from '../../lib/render/queue-collector';
import { renderSelfHeal } from '../../lib/render/self-heal';
import { rootfsContributors } from '../../lib/render/contributors';
import { exampleHostModel } from '../fixtures/host-model';
import { run } from '../helpers/run';

const work = mkdtempSync(join(tmpdir(), 'listhost-scripts-'));
after(() => rmSync(work, { recursive: true, force: true }));

function sha1ish(i: number): string {
  return (i.toString(16).padStart(8, '0').repeat(5)).slice(0, 40);
}

function parseProm(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

describe('generated scripts pass shellcheck', () => {
  const files = renderRootfs(exampleHostModel(), rootfsContributors).filter((f) => f.content.startsWith('#!'));
  it('there are scripts to check', () => assert.ok(files.length >= 4, `found ${files.length}`));
  for (const file of files) {
    it(file.path, () => {
      const result = run('shellcheck', ['-s', file.content.startsWith('#!/bin/bash') ? 'bash' : 'sh', '-'], { input: file.content });
      assert.equal(result.status, 0, result.stdout + result.stderr);
    });
  }
  it('shellcheck fails on a broken script (the check can fail)', () => {
    assert.notEqual(run('shellcheck', ['-s', 'sh', '-'], { input: '#!/bin/sh\necho $undefined_var[\n' }).status, 0);
  });
});

describe('queue collector on a real queue directory', () => {
  const base = exampleHostModel();
  const queueRoot = join(work, 'queue');
  const textfiles = join(work, 'textfile');
  mkdirSync(textfiles);
  const host: HostModel = {
    ...base,
    exporters: { ...base.exporters, textfileDirectory: textfiles },
    service: { ...base.service, queues: base.service.queues.map((q) => ({ ...q, directory: join(queueRoot, q.name) })) },
  };
  for (const queue of host.service.queues) mkdirSync(queue.directory, { recursive: true });
  const now = Math.floor(Date.now() / 1000);
  // out: three messages named as Mailman names them, the oldest enqueued 2 hours ago.
  writeFileSync(join(queueRoot, 'out', `${now - 7200}.123456+${sha1ish(1)}.pck`), 'x');
  writeFileSync(join(queueRoot, 'out', `${now - 60}.5+${sha1ish(2)}.pck`), 'x');
  writeFileSync(join(queueRoot, 'out', `${now - 30}+${sha1ish(3)}.pck`), 'x');
  // A message a runner is working on (.bak) is still in the queue; a file being written (.tmp) is not yet.
  writeFileSync(join(queueRoot, 'out', `${now - 45}+${sha1ish(4)}.bak`), 'x');
  writeFileSync(join(queueRoot, 'out', `${now - 99999}+${sha1ish(5)}.tmp`), 'x');
  // bad/ keeps messages Mailman could not process as .psv.
  writeFileSync(join(queueRoot, 'bad', `${now - 300}+${sha1ish(6)}.psv`), 'x');
  // retry: a file whose name does not carry a time is aged by its mtime.
  const odd = join(queueRoot, 'retry', 'odd-name.pck');
  writeFileSync(odd, 'x');
  utimesSync(odd, now - 600, now - 600);
  const script = join(work, 'collector');
  writeFileSync(script, renderQueueCollector(host));
  chmodSync(script, 0o755);

  it('writes message counts, oldest ages, expected processes and the success time', () => {
    const result = run(script, []);
    assert.equal(result.status, 0, result.stderr);
    const samples = parseProm(readFileSync(join(textfiles, 'mailman_queues.prom'), 'utf8'));
    assert.equal(samples.get('mailman_queue_messages{queue="out"}'), 4);
    assert.equal(samples.get('mailman_queue_messages{queue="bad"}'), 1);
    const outAge = samples.get('mailman_queue_oldest_message_age_seconds{queue="out"}')!;
    // The name carries 7200.123456 s before `now`; the collector truncates to whole seconds.
    assert.ok(outAge >= 7199 && outAge < 7200 + 120, `out age ${outAge}`);
    assert.equal(samples.get('mailman_queue_messages{queue="retry"}'), 1);
    const retryAge = samples.get('mailman_queue_oldest_message_age_seconds{queue="retry"}')!;
    assert.ok(retryAge >= 600 && retryAge < 720, `retry age ${retryAge}`);
    assert.equal(samples.get('mailman_queue_messages{queue="in"}'), 0);
    assert.equal(samples.get('mailman_queue_oldest_message_age_seconds{queue="in"}'), 0);
    assert.equal(samples.get('mailman_runner_expected_processes{groupname="mailman-runner-rest"}'), 3);
    assert.equal(samples.get('mailman_runner_expected_processes{groupname="mailman-runner-out"}'), 1);
    const last = samples.get('mailman_queue_collector_last_success_timestamp_seconds')!;
    assert.ok(Math.abs(last - now) < 120);
  });

  it('the output parses as Prometheus text format (promtool check metrics)', () => {
    const text = readFileSync(join(textfiles, 'mailman_queues.prom'), 'utf8');
    const result = run('promtool', ['check', 'metrics'], { input: text });
    // promtool exits 1 on lint findings (e.g. naming advice) and prints them; a parse error says "error".
    assert.doesNotMatch(result.stdout + result.stderr, /error/i, result.stdout + result.stderr);
  });

  it('fails and drops the success time when a queue directory is missing', () => {
    rmSync(join(queueRoot, 'nntp'), { recursive: true });
    const result = run(script, []);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /queue nntp: cannot read directory/);
    const samples = parseProm(readFileSync(join(textfiles, 'mailman_queues.prom'), 'utf8'));
    assert.equal(samples.has('mailman_queue_collector_last_success_timestamp_seconds'), false);
    assert.equal(samples.get('mailman_queue_messages{queue="out"}'), 4, 'other queues are still measured');
  });
});

describe('queue collector on a hashed queue (queueFileMaxDepth, Postfix: deferred/A/QUEUEID)', () => {
  const base = exampleHostModel();
  const spool = join(work, 'hashed-spool');
  const textfiles = join(work, 'hashed-textfile');
  mkdirSync(textfiles);
  const now = Math.floor(Date.now() / 1000);
  /** Queue files named by queue ID (no time in the name), aged by mtime as Postfix's are. */
  const message = (path: string, ago: number) => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, 'x');
    utimesSync(path, now - ago, now - ago);
  };
  // deferred/ hashed one level down; one file a level deeper still; an empty hash directory.
  message(join(spool, 'deferred', 'A', '4C2F1D2E3A'), 7200);
  message(join(spool, 'deferred', 'A', '4C2F1D2E3B'), 60);
  message(join(spool, 'deferred', 'F', '8E1B2C3D4F'), 300);
  message(join(spool, 'deferred', 'B', 'C', '1D2E3F4A5B'), 99999);
  mkdirSync(join(spool, 'deferred', 'E'));
  // active/ is flat.
  message(join(spool, 'active', '5A6B7C8D9E'), 30);
  const host = (queueFileMaxDepth: number): HostModel => ({
    ...base,
    exporters: { ...base.exporters, textfileDirectory: textfiles },
    service: {
      ...base.service,
      metricPrefix: 'postfix',
      queueFilePattern: null,
      queueFileGlob: '*',
      queueFileMaxDepth,
      queues: ['active', 'deferred'].map((name) => ({ ...base.service.queues[0], name, directory: join(spool, name) })),
    },
  });
  function collect(depth: number) {
    const script = join(work, `hashed-collector-${depth}`);
    writeFileSync(script, renderQueueCollector(host(depth)));
    chmodSync(script, 0o755);
    const result = run(script, []);
    assert.equal(result.status, 0, result.stderr);
    return parseProm(readFileSync(join(textfiles, 'postfix_queues.prom'), 'utf8'));
  }

  it('depth 2 counts the messages one level down (never a directory) and ages them by mtime', () => {
    const samples = collect(2);
    assert.equal(samples.get('postfix_queue_messages{queue="deferred"}'), 3);
    const age = samples.get('postfix_queue_oldest_message_age_seconds{queue="deferred"}')!;
    assert.ok(age >= 7200 && age < 7320, `deferred age ${age}`);
    assert.equal(samples.get('postfix_queue_messages{queue="active"}'), 1, 'a flat queue counts the same at depth 2');
  });

  it('depth 1 sees no deferred message at all (the hash directories are not messages)', () => {
    const samples = collect(1);
    assert.equal(samples.get('postfix_queue_messages{queue="deferred"}'), 0);
    assert.equal(samples.get('postfix_queue_oldest_message_age_seconds{queue="deferred"}'), 0);
    assert.equal(samples.get('postfix_queue_messages{queue="active"}'), 1);
  });

  it('depth 3 reaches the deeper file too', () => {
    const samples = collect(3);
    assert.equal(samples.get('postfix_queue_messages{queue="deferred"}'), 4);
    assert.ok(samples.get('postfix_queue_oldest_message_age_seconds{queue="deferred"}')! >= 99999);
  });

  it("every script of a depth-2 host passes shellcheck, and a depth-1 host's collector reads -maxdepth 1 as before", () => {
    for (const file of renderRootfs(host(2), rootfsContributors).filter((f) => f.content.startsWith('#!'))) {
      const result = run('shellcheck', ['-s', file.content.startsWith('#!/bin/bash') ? 'bash' : 'sh', '-'], { input: file.content });
      assert.equal(result.status, 0, `${file.path}: ${result.stdout}${result.stderr}`);
    }
    assert.match(renderQueueCollector(host(2)), / -mindepth 1 -maxdepth 2 -type f /);
    assert.match(renderQueueCollector(exampleHostModel()), / -mindepth 1 -maxdepth 1 -type f /);
  });
});

describe('queue collector: live processes of the groups it counts (countedBy collector)', () => {
  const base = exampleHostModel();
  const queueRoot = join(work, 'count-queue');
  const textfiles = join(work, 'count-textfile');
  mkdirSync(textfiles);
  const user = run('id', ['-un']).stdout.trim();
  const unique = `listhost-count-test-${process.pid}`;
  const group = (groupname: string, countedBy: 'collector' | 'process-exporter', pattern: string, groupUser = user) => ({
    groupname,
    role: groupname,
    expectedProcesses: 2,
    cmdlineRegex: pattern,
    pgrepPattern: pattern,
    user: groupUser,
    severity: 'critical' as const,
    countedBy,
  });
  const hostWith = (processGroups: HostModel['service']['processGroups']): HostModel => ({
    ...base,
    exporters: { ...base.exporters, textfileDirectory: textfiles },
    service: { ...base.service, queues: [{ ...base.service.queues[0], directory: queueRoot }], processGroups },
  });
  mkdirSync(queueRoot);
  function collect(host: HostModel) {
    const script = join(work, 'count-collector');
    writeFileSync(script, renderQueueCollector(host));
    chmodSync(script, 0o755);
    const result = run(script, []);
    return { result, samples: parseProm(readFileSync(join(textfiles, 'mailman_queues.prom'), 'utf8')) };
  }
  // Two supervisors with the same command line, and a zombie that had it (a dead, unreaped child: empty command line).
  const supervisors = [1, 2].map(() => spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'supervise', unique], { stdio: 'ignore' }));
  // (the parent's own command line must not match: the child builds the name)
  const zombieParent = spawn('/usr/bin/perl', ['-e', 'if (fork() == 0) { $0 = "super" . "vise " . shift; exit 0 } sleep 60', unique], { stdio: 'ignore' });
  after(() => {
    for (const p of [...supervisors, zombieParent]) if (p.pid && p.exitCode === null) process.kill(p.pid, 'SIGKILL');
  });

  it('counts them with pgrep (zombies not counted), only them, next to the expected counts', async () => {
    await waitForPgrep(`supervise ${unique}`, 2);
    for (let i = 0; run('ps', ['--ppid', String(zombieParent.pid), '-o', 'stat=']).stdout.trim() !== 'Z'; i++) {
      assert.ok(i < 100, 'the zombie child exists');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const host = hostWith([group('test-supervisor', 'collector', `supervise ${unique}`), group('test-worker', 'process-exporter', `work ${unique}`)]);
    const { result, samples } = collect(host);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(samples.get('mailman_process_group_live_processes{groupname="test-supervisor"}'), 2);
    assert.equal(samples.has('mailman_process_group_live_processes{groupname="test-worker"}'), false, 'process-exporter counts that one');
    assert.equal(samples.get('mailman_runner_expected_processes{groupname="test-supervisor"}'), 2);
    assert.equal(samples.get('mailman_runner_expected_processes{groupname="test-worker"}'), 2);
    assert.ok(samples.has('mailman_queue_collector_last_success_timestamp_seconds'));
  });

  it('exports 0 when none runs', () => {
    const { result, samples } = collect(hostWith([group('test-supervisor', 'collector', `gone ${unique}`)]));
    assert.equal(result.status, 0, result.stderr);
    assert.equal(samples.get('mailman_process_group_live_processes{groupname="test-supervisor"}'), 0);
  });

  it('without any such group the script has no pgrep count', () => {
    const script = renderQueueCollector(hostWith([group('test-worker', 'process-exporter', `work ${unique}`)]));
    assert.doesNotMatch(script, /pgrep|count_group|_process_group_live_processes/);
  });

  it('fails, leaving the series out, when pgrep fails (an unknown user)', () => {
    const { result, samples } = collect(hostWith([group('test-supervisor', 'collector', `supervise ${unique}`, 'no-such-user-listhost')]));
    assert.equal(result.status, 1);
    assert.match(result.stderr, /process group test-supervisor: pgrep failed \(status 2\)/);
    assert.equal(samples.has('mailman_process_group_live_processes{groupname="test-supervisor"}'), false);
    assert.equal(samples.get('mailman_queue_messages{queue="archive"}'), 0, 'the queues are still measured');
  });
});

describe('self-heal on real processes', () => {
  const base = exampleHostModel();
  const stateDir = join(work, 'state');
  const textfiles = join(work, 'selfheal-textfile');
  mkdirSync(textfiles);
  const marker = join(work, 'restarted');
  const user = (process.env.USER && process.env.USER !== '') ? run('id', ['-un']).stdout.trim() : 'root';
  const unique = `listhost-selfheal-test-${process.pid}`;
  const host: HostModel = {
    ...base,
    exporters: { ...base.exporters, textfileDirectory: textfiles },
    selfHeal: { ...base.selfHeal, stateDirectory: stateDir },
    service: {
      ...base.service,
      restartCommand: ['sh', '-c', 'echo restarted >> "$1"', 'restart', marker],
      processGroups: [{ groupname: 'test-worker', role: 'worker', expectedProcesses: 1, cmdlineRegex: unique, pgrepPattern: `keepalive ${unique}`, user, severity: 'critical', countedBy: 'process-exporter' }],
    },
  };
  const script = join(work, 'selfheal');
  writeFileSync(script, renderSelfHeal(host));
  chmodSync(script, 0o755);
  // A worker whose command line carries a pattern unique to this run.
  const worker = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'keepalive', unique], { stdio: 'ignore' });
  after(() => { if (worker.pid && worker.exitCode === null) process.kill(worker.pid, 'SIGKILL'); });

  function metrics() {
    return parseProm(readFileSync(join(textfiles, 'mailman_selfheal.prom'), 'utf8'));
  }

  it('does nothing while every group is complete', async () => {
    await waitForPgrep(`keepalive ${unique}`, 1);
    const result = run(script, []);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(metrics().get('mailman_selfheal_restarts_total'), 0);
    assert.equal(metrics().get('mailman_selfheal_short_groups'), 0);
  });

  it('restarts once when a group is short, then waits out the interval', async () => {
    process.kill(worker.pid!, 'SIGKILL');
    await waitForPgrep(`keepalive ${unique}`, 0);
    assert.equal(run(script, []).status, 0);
    assert.equal(readFileSync(marker, 'utf8'), 'restarted\n');
    assert.equal(metrics().get('mailman_selfheal_restarts_total'), 1);
    assert.equal(metrics().get('mailman_selfheal_short_groups'), 1);
    const second = run(script, []);
    assert.match(second.stderr, /waiting for 1800 s between restarts/);
    assert.equal(readFileSync(marker, 'utf8'), 'restarted\n', 'no second restart inside the interval');
    assert.equal(metrics().get('mailman_selfheal_restarts_total'), 1);
  });
});

async function waitForPgrep(pattern: string, count: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const live = Number(run('pgrep', ['-c', '-f', '--', pattern]).stdout.trim() || '0');
    if (live === count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`pgrep -f '${pattern}' did not reach ${count}`);
}
