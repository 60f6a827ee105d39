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
      processGroups: [{ groupname: 'test-worker', role: 'worker', expectedProcesses: 1, cmdlineRegex: unique, pgrepPattern: `keepalive ${unique}`, user, severity: 'critical' }],
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
