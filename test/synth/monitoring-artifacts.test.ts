/**
 * The monitoring artifacts of the example, as `cdktf synth` writes them,
 * through the real tools: promtool, amtool, the jsonnet CLI.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { serializeMixin, type RenderedMixin } from '../../lib/monitoring/evaluate-mixin';
import { MIXIN_CONFIG_FILE } from '../../lib/monitoring/render-monitoring';
import { run } from '../helpers/run';
import { IcingaInstance } from '../icinga2/icinga';
import { synthExample } from '../helpers/synth';

describe('monitoring artifacts of the example', () => {
  const out = synthExample();
  const stack = join(out, 'stacks/lists');
  const monitoring = join(stack, 'monitoring');
  const scratch = mkdtempSync(join(tmpdir(), 'listhost-monitoring-'));
  after(() => { rmSync(out, { recursive: true, force: true }); rmSync(scratch, { recursive: true, force: true }); });

  it('rules.yml passes promtool check rules', () => {
    const result = run('promtool', ['check', 'rules', join(monitoring, 'prometheus/rules.yml')]);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /SUCCESS: \d+ rules found/);
  });

  it('scrape.yml passes promtool check config inside a minimal prometheus.yml', () => {
    const scrape = parse(readFileSync(join(monitoring, 'prometheus/scrape.yml'), 'utf8'));
    const config = join(scratch, 'prometheus.yml');
    writeFileSync(config, JSON.stringify({ global: { scrape_interval: '1m' }, rule_files: [join(monitoring, 'prometheus/rules.yml')], ...scrape }));
    const result = run('promtool', ['check', 'config', config]);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    const jobs = (scrape.scrape_configs as Array<{ job_name: string }>).map((job) => job.job_name).sort();
    assert.deepEqual(jobs, ['blackbox', 'node', 'process']);
  });

  it('alertmanager.yml passes amtool check-config and routes each severity', () => {
    const file = join(monitoring, 'alertmanager/alertmanager.yml');
    const check = run('amtool', ['check-config', file]);
    assert.equal(check.status, 0, check.stdout + check.stderr);
    const route = (...labels: string[]) => run('amtool', ['config', 'routes', 'test', `--config.file=${file}`, ...labels]).stdout.trim();
    assert.equal(route('severity=critical', 'alertname=MailmanRunnerDown', 'instance=lists1001.example.org'), 'oncall-pager');
    assert.equal(route('severity=warning', 'alertname=MailmanQueueLarge', 'instance=lists1001.example.org'), 'sre-tickets');
    assert.match(route('severity=critical', 'list_visible=true', 'alertname=MailmanQueueStalled'), /list-admins.*oncall-pager|oncall-pager.*list-admins/);
  });

  it('icinga2/*.conf loads in icinga2 daemon -C (agents under a master zone)', () => {
    const files: Record<string, string> = {};
    for (const name of readdirSync(join(monitoring, 'icinga2'))) files[name] = readFileSync(join(monitoring, 'icinga2', name), 'utf8');
    assert.ok(Object.keys(files).length >= 3);
    const instance = new IcingaInstance(join(scratch, 'icinga2'), { ZoneName: 'master' });
    instance.write(files, 'object Endpoint "master" { }\nobject Zone "master" { endpoints = [ "master" ] }\n');
    const result = instance.validate();
    assert.equal(result.status, 0, result.stdout + result.stderr);
    const services = instance.objects().filter((o) => o.type === 'Service');
    const procs = services.filter((o) => o.name.includes('procs-mailman-runner-'));
    assert.equal(procs.length, 26, 'one check per runner per host, never a total count');
  });

  it('the copied mixin reproduces rules.yml and the dashboards with the jsonnet CLI', () => {
    const result = run('jsonnet', ['-J', 'monitoring/mixin', '--tla-code-file', `config=monitoring/mixin/${MIXIN_CONFIG_FILE}`, 'monitoring/mixin/render.jsonnet'], { cwd: stack });
    assert.equal(result.status, 0, result.stderr);
    const fromCli = serializeMixin(JSON.parse(result.stdout) as RenderedMixin);
    assert.equal(fromCli.rulesYaml, readFileSync(join(monitoring, 'prometheus/rules.yml'), 'utf8'));
    for (const [name, json] of Object.entries(fromCli.dashboards)) assert.equal(json, readFileSync(join(monitoring, 'grafana', name), 'utf8'));
  });

  it('every alert obeys the alert contract and links to a runbook page that exists', () => {
    const rules = parse(readFileSync(join(monitoring, 'prometheus/rules.yml'), 'utf8'));
    const alerts = rules.groups.flatMap((g: { rules: Array<Record<string, any>> }) => g.rules).filter((r: Record<string, unknown>) => r.alert);
    assert.ok(alerts.length >= 15, `${alerts.length} alerts`);
    for (const rule of alerts) {
      assert.match(rule.alert, /^[A-Z][A-Za-z0-9]+$/);
      assert.ok(['critical', 'warning', 'info'].includes(rule.labels.severity), `${rule.alert} severity ${rule.labels.severity}`);
      for (const key of ['summary', 'description', 'runbook_url']) assert.ok(rule.annotations[key], `${rule.alert} lacks ${key}`);
      assert.equal(rule.annotations.runbook_url, `https://runbooks.example.org/lists/${rule.alert}.md`);
      assert.ok(existsSync(join(monitoring, 'runbooks', `${rule.alert}.md`)), `runbook page for ${rule.alert}`);
    }
    const pages = readdirSync(join(monitoring, 'runbooks'));
    assert.deepEqual(pages.sort(), [...new Set(alerts.map((r: { alert: string }) => `${r.alert}.md`))].sort(), 'one page per alert, none stale');
  });

  it('the runbooks name this host\'s paths and commands', () => {
    const page = readFileSync(join(monitoring, 'runbooks/MailmanRunnerDown.md'), 'utf8');
    assert.match(page, /systemctl restart mailman3\.service/);
    assert.match(page, /--runner=out:/);
    const stalled = readFileSync(join(monitoring, 'runbooks/MailmanQueueStalled.md'), 'utf8');
    assert.match(stalled, /\/srv\/mailman3\/queue\/out/);
    const inodes = readFileSync(join(monitoring, 'runbooks/FilesystemFilesBurst.md'), 'utf8');
    assert.match(inodes, /df -i/);
    assert.match(inodes, /\/srv\/restore/);
  });

  it('dashboards are Grafana dashboard JSON with panels over the contract series', () => {
    const files = readdirSync(join(monitoring, 'grafana'));
    assert.ok(files.length >= 1);
    for (const file of files) {
      const dashboard = JSON.parse(readFileSync(join(monitoring, 'grafana', file), 'utf8'));
      assert.equal(typeof dashboard.uid, 'string');
      assert.equal(typeof dashboard.title, 'string');
      assert.ok(Number.isInteger(dashboard.schemaVersion));
      assert.ok(Array.isArray(dashboard.panels) && dashboard.panels.length > 0);
      const exprs = JSON.stringify(dashboard.panels);
      for (const series of ['node_filesystem_files_free', 'namedprocess_namegroup_num_procs', 'mailman_queue_oldest_message_age_seconds', 'queue_drain_seconds']) {
        assert.ok(exprs.includes(series), `${file} shows ${series}`);
      }
    }
  });
});
