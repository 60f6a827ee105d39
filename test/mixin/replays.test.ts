/**
 * `promtool test rules` replays of the incidents this library exists for
 * (test/mixin/replays/*.yml) against the generated rules.yml: the rules are
 * generated into a temp dir, the replay files and node-mixin's inode rules
 * are copied next to them, and promtool runs there.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parse, stringify } from 'yaml';
import { evaluateMixin } from '../../lib/monitoring/evaluate-mixin';
import type { MixinConfig, MixinServiceConfig } from '../../lib/monitoring/mixin-config';
import { alertNames, exampleConfig, run, tempDir, type RunResult } from './helpers';

const REPLAYS = path.join(__dirname, 'replays');
const NODE_MIXIN_RULES = path.join(__dirname, 'node-mixin-inodes.yml');

/** Generates rules.yml for `config` into a fresh dir with the replays, runs promtool on `replay`. */
async function replay(replayFile: string, config: object = exampleConfig()): Promise<RunResult> {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'rules.yml'), (await evaluateMixin(config)).rulesYaml);
  fs.copyFileSync(NODE_MIXIN_RULES, path.join(dir, 'node-mixin-inodes.yml'));
  fs.copyFileSync(path.join(REPLAYS, replayFile), path.join(dir, replayFile));
  return run('promtool', ['test', 'rules', replayFile], dir);
}

/** Like replay(), for a replay written by the test itself. */
async function replayText(name: string, text: string, config: object): Promise<RunResult> {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'rules.yml'), (await evaluateMixin(config)).rulesYaml);
  fs.writeFileSync(path.join(dir, name), text);
  return run('promtool', ['test', 'rules', name], dir);
}

function withService(config: MixinConfig, edit: Partial<Record<keyof MixinServiceConfig | string, unknown>>): object {
  return { ...config, services: config.services.map((s) => ({ ...s, ...edit })) };
}

test('replay 2014: the inode burst pages 25 minutes before exhaustion; node-mixin alone never does before it', async () => {
  const r = await replay('inode-exhaustion-2014.yml');
  assert.equal(r.status, 0, r.report);
  assert.match(r.stdout, /SUCCESS/, r.report);
});

test('replay 2023: the dead out runner pages at fault+2, the out queue at fault+17', async () => {
  const r = await replay('runner-crash-2023.yml');
  assert.equal(r.status, 0, r.report);
  assert.match(r.stdout, /SUCCESS/, r.report);
});

test('replay of a quiet busy day: a big posting and a flaky web probe alert nobody', async () => {
  const r = await replay('busy-day.yml');
  assert.equal(r.status, 0, r.report);
  assert.match(r.stdout, /SUCCESS/, r.report);
});

test('replay of an SMTP outage: retry keeps growing while its age cycles, QueueGrowing pages at fault+26 and QueueStalled never; an 8-minute MTA blip of 800 messages is silent', async () => {
  const r = await replay('smtp-outage-retry.yml');
  assert.equal(r.status, 0, r.report);
  assert.match(r.stdout, /SUCCESS/, r.report);
});

test('the SMTP outage defeats the plain form: a count of at least 10 and deriv(messages[15m]) > 0 for 15m never fires', async () => {
  // The minute a retry pass empties the queue resets `for` every 15 minutes;
  // the window maxima of the mixin's rule ignore it.
  const outage = parse(fs.readFileSync(path.join(REPLAYS, 'smtp-outage-retry.yml'), 'utf8')).tests[0];
  const retry = 'mailman_queue_messages{job="node",queue="retry"}';
  const rules = (forDuration: string) => stringify({
    groups: [{ name: 'plain', rules: [{ alert: 'PlainRetryGrowing', expr: `${retry} >= 10 and deriv(${retry}[15m]) > 0`, for: forDuration }] }],
  });
  const replayDoc = stringify({
    rule_files: ['rules.yml'],
    evaluation_interval: '1m',
    tests: [{
      interval: '1m',
      input_series: outage.input_series,
      promql_expr_test: [{ expr: 'max_over_time(ALERTS{alertname="PlainRetryGrowing",alertstate="firing"}[90m])', eval_time: '120m', exp_samples: [] }],
    }],
  });
  const plain = (forDuration: string) => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'rules.yml'), rules(forDuration));
    fs.writeFileSync(path.join(dir, 'plain.yml'), replayDoc);
    return run('promtool', ['test', 'rules', 'plain.yml'], dir);
  };
  const never = plain('15m');
  assert.equal(never.status, 0, never.report);
  // The replay can tell: with a 5m `for` the plain form fires (between two passes).
  const fires = plain('5m');
  assert.notEqual(fires.status, 0, fires.report);
  assert.match(fires.stdout + fires.stderr, /alertname="PlainRetryGrowing", alertstate="firing"/, fires.report);
});

test('every alert fires in its scenario', async () => {
  const r = await replay('every-alert-fires.yml');
  assert.equal(r.status, 0, r.report);
  assert.match(r.stdout, /SUCCESS/, r.report);
});

test('the busy day checks every alert, and every alert has a firing scenario', async () => {
  const names = alertNames((await evaluateMixin(exampleConfig())).rulesYaml);
  const busy = parse(fs.readFileSync(path.join(REPLAYS, 'busy-day.yml'), 'utf8'));
  const checked = new Set<string>(busy.tests[0].alert_rule_test.map((t: { alertname: string }) => t.alertname));
  assert.deepEqual([...checked].sort(), names);
  for (const t of busy.tests[0].alert_rule_test) assert.deepEqual(t.exp_alerts, [], t.alertname);

  // Every alert is expected firing somewhere in the replays.
  const replays = fs.readdirSync(REPLAYS).map((f) => fs.readFileSync(path.join(REPLAYS, f), 'utf8')).join('\n');
  const firing = new Set([...replays.matchAll(/labels: '(?:ALERTS)?\{alertname="([A-Za-z]+)",(?:alertstate="firing",)?severity=/g)].map((m) => m[1]));
  assert.deepEqual(names.filter((n) => !firing.has(n)), []);
});

// The replays can fail: loosen one knob and the replay that guards it breaks.

test('control: HostDown on node_exporter alone fires for a host whose process-exporter still answers', async () => {
  const r = await replay('every-alert-fires.yml', { ...exampleConfig(), hostDownJobs: 'node' });
  assert.notEqual(r.status, 0, r.report);
  assert.match(r.stdout + r.stderr, /alertname="HostDown", alertstate="firing", instance="b\.example\.org"/, r.report);
});

test('control: with a 3m `for` HostDown pages for a 4-minute reboot', async () => {
  const r = await replay('every-alert-fires.yml', { ...exampleConfig(), hostDownFor: '3m' });
  assert.notEqual(r.status, 0, r.report);
  assert.match(r.stdout + r.stderr, /alertname="HostDown", alertstate="firing", instance="c\.example\.org"/, r.report);
});

test('control: with a 30m `for` on the burst rule the 2014 replay fails', async () => {
  const r = await replay('inode-exhaustion-2014.yml', { ...exampleConfig(), fsBurstFor: '30m' });
  assert.notEqual(r.status, 0, r.report);
  assert.match(r.stdout + r.stderr, /FilesystemFilesBurst/, r.report);
});

test('control: with a 10m `for` on the runner alert the 2023 replay fails', async () => {
  const r = await replay('runner-crash-2023.yml', withService(exampleConfig(), { runnerDownFor: '10m' }));
  assert.notEqual(r.status, 0, r.report);
  assert.match(r.stdout + r.stderr, /MailmanRunnerDown/, r.report);
});

test('control: paging on the critical age alone (1800 s) misses the 2023 queue deadline', async () => {
  const r = await replay('runner-crash-2023.yml', withService(exampleConfig(), { queueAgeWarningSeconds: 1800 }));
  assert.notEqual(r.status, 0, r.report);
  assert.match(r.stdout + r.stderr, /MailmanQueueStalled/, r.report);
});

test('control: a growth minimum of 100 messages misses the SMTP outage', async () => {
  const r = await replay('smtp-outage-retry.yml', withService(exampleConfig(), { queueGrowthMinMessages: 100 }));
  assert.notEqual(r.status, 0, r.report);
  assert.match(r.stdout + r.stderr, /alertname: MailmanQueueGrowing, time: 56m/, r.report);
});

test('control: with a 2m `for` on QueueGrowing the 8-minute MTA blip pages', async () => {
  const r = await replay('smtp-outage-retry.yml', withService(exampleConfig(), { queueGrowingFor: '2m' }));
  assert.notEqual(r.status, 0, r.report);
  assert.match(r.stdout + r.stderr, /name: MTA blip during a big posting,\s+alertname: MailmanQueueGrowing/, r.report);
});

test('control: without slack for the flaky web probe the busy day pages', async () => {
  const r = await replay('busy-day.yml', { ...exampleConfig(), webProbeMinSuccessRatio: 0.95 });
  assert.notEqual(r.status, 0, r.report);
  assert.match(r.stdout + r.stderr, /MailmanWebUnavailable/, r.report);
});

test('control: a large-queue ticket after 30m instead of 1h fires on the big posting', async () => {
  const r = await replay('busy-day.yml', withService(exampleConfig(), { queueLargeFor: '30m' }));
  assert.notEqual(r.status, 0, r.report);
  assert.match(r.stdout + r.stderr, /MailmanQueueLarge/, r.report);
});

test('control: a master read from process-exporter (no such group any more) fails the master scenario', async () => {
  const r = await replay('every-alert-fires.yml', withService(exampleConfig(), { masterCountedBy: 'process-exporter' }));
  assert.notEqual(r.status, 0, r.report);
  assert.match(r.stdout + r.stderr, /MailmanMasterDown/, r.report);
});

test('a worker group the collector counts pages from its live count, and when the count is missing', async () => {
  const config = withService(exampleConfig(), { runnerGroupRegex: 'mailman-runner-rest', collectorRunnerGroupRegex: 'mailman-runner-out' });
  const series = (name: string, labels: string, values: string) => `      - series: '${name}{${labels}}'\n        values: '${values}'\n`;
  const text =
    'rule_files: [rules.yml]\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n' +
    // a: out (collector) dies at 10m; rest (process-exporter) and the master stay up
    series('mailman_runner_expected_processes', 'job="node",instance="a.example.org",groupname="mailman-runner-out"', '1+0x30') +
    series('mailman_process_group_live_processes', 'job="node",instance="a.example.org",groupname="mailman-runner-out"', '1+0x9 0+0x20') +
    series('mailman_runner_expected_processes', 'job="node",instance="a.example.org",groupname="mailman-runner-rest"', '3+0x30') +
    series('namedprocess_namegroup_num_procs', 'job="process",instance="a.example.org",groupname="mailman-runner-rest"', '3+0x30') +
    series('mailman_runner_expected_processes', 'job="node",instance="a.example.org",groupname="mailman-master"', '1+0x30') +
    series('mailman_process_group_live_processes', 'job="node",instance="a.example.org",groupname="mailman-master"', '1+0x30') +
    // b: its collector exports the expected count of out but no live count
    series('mailman_runner_expected_processes', 'job="node",instance="b.example.org",groupname="mailman-runner-out"', '1+0x30') +
    series('mailman_runner_expected_processes', 'job="node",instance="b.example.org",groupname="mailman-master"', '1+0x30') +
    series('mailman_process_group_live_processes', 'job="node",instance="b.example.org",groupname="mailman-master"', '1+0x30') +
    '    promql_expr_test:\n' +
    '      - expr: ALERTS{alertstate="firing"}\n        eval_time: 9m\n        exp_samples:\n' +
    '          - labels: \'ALERTS{alertname="MailmanRunnerDown",alertstate="firing",severity="critical",instance="b.example.org",groupname="mailman-runner-out"}\'\n            value: 1\n' +
    '      - expr: ALERTS{alertstate="firing"}\n        eval_time: 12m\n        exp_samples:\n' +
    '          - labels: \'ALERTS{alertname="MailmanRunnerDown",alertstate="firing",severity="critical",instance="a.example.org",groupname="mailman-runner-out"}\'\n            value: 1\n' +
    '          - labels: \'ALERTS{alertname="MailmanRunnerDown",alertstate="firing",severity="critical",instance="b.example.org",groupname="mailman-runner-out"}\'\n            value: 1\n';
  const r = await replayText('collector-worker.yml', text, config);
  assert.equal(r.status, 0, r.report);
  assert.match(r.stdout, /SUCCESS/, r.report);
});
