/**
 * Property-based hardening (issue 8): every user-supplied string that reaches
 * an output is either rejected at construction in the prop error style
 * (construct path, prop name, what is expected) or comes out exactly as
 * given, read back through the real consumer (sh/bash, icinga2, promtool,
 * amtool, systemd-escape, YAML), with every artifact passing its real tool.
 *
 * Runs are batched: one property run is one app with a host (or stack) per
 * generated value, and each real tool runs once per batch. Seeds are fixed;
 * `examples` hold the values that found bugs (regressions).
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Testing } from 'cdktf';
import fc from 'fast-check';
import { parse } from 'yaml';
import { ListhostStack, MailingListHost, ServiceHost, type MailingListHostProps, type ServiceDefinitionProps } from '../../lib';
import type { HostModel } from '../../lib/model/types';
import { validateHostModel } from '../../lib/model/validate';
import { renderIcinga2 } from '../../lib/render/icinga2';
import { renderRootfs } from '../../lib/render/rootfs';
import { rootfsContributors } from '../../lib/render/contributors';
import { renderStackArtifacts } from '../../lib/synth/stack-artifacts';
import { hostBaseProps, hostProps, STACK_PROPS } from '../helpers/example-props';
import { run } from '../helpers/run';
import { IcingaInstance } from '../icinga2/icinga';
import { show, valueOf, VALID, type ValueKind } from './fuzz/generators';
import { assertPropError, checkIcingaHost, checkMountUnits, checkScripts, checkShellArtifacts, type Rootfs } from './fuzz/readback';

const work = mkdtempSync(join(tmpdir(), 'listhost-hardening-'));
after(() => rmSync(work, { recursive: true, force: true }));
let dirs = 0;
const scratch = () => mkdtempSync(join(work, `b${dirs++}-`));

const MASTER_ZONE = 'object Endpoint "master" { }\nobject Zone "master" { endpoints = [ "master" ] }\n';

/** Generated cases per property, reported at the end (README figures). */
const tally: Record<string, { cases: number; accepted: number; rejected: number }> = {};
function count(property: string, accepted: number, rejected: number): void {
  const t = (tally[property] ??= { cases: 0, accepted: 0, rejected: 0 });
  t.cases += accepted + rejected;
  t.accepted += accepted;
  t.rejected += rejected;
}
after(() => console.log(`hardening properties: ${JSON.stringify(tally)}`));

/** Sets `path` (dots; numeric parts index arrays) in a deep copy of `props`. */
function withValue<T>(props: T, path: string, value: unknown): T {
  const copy = structuredClone(props) as Record<string, any>;
  const keys = path.split('.');
  let at = copy;
  for (const key of keys.slice(0, -1)) at = at[key] ??= {};
  at[keys.at(-1)!] = value;
  return copy as T;
}

/** Runs the model-driven read-back of a batch of accepted hosts, and every real tool once. */
function checkHosts(hosts: readonly HostModel[], rootfsOf: (host: HostModel) => Rootfs): void {
  const dir = scratch();
  const units: [string, string][] = [];
  const rootfsAll: Rootfs[] = [];
  for (const host of hosts) {
    const rootfs = rootfsOf(host);
    rootfsAll.push(rootfs);
    const restore = host.volumes.find((v) => v.name === host.backup.restoreVolume)!;
    units.push([restore.mountpoint, checkShellArtifacts(host, rootfs, dir)]);
  }
  checkScripts(rootfsAll, dir);
  checkMountUnits(units);
  const icinga = new IcingaInstance(join(dir, 'icinga'), { ZoneName: 'master' });
  icinga.write(renderIcinga2(hosts), MASTER_ZONE);
  const loaded = icinga.validate();
  assert.equal(loaded.status, 0, `icinga2 daemon -C:\n${loaded.stdout.slice(-4000)}${loaded.stderr}`);
  const objects = icinga.objects();
  for (const host of hosts) checkIcingaHost(host, objects);
}

// ---------------------------------------------------------------------------
// 1. MailingListHost props

type HostField = readonly [field: string, kind: ValueKind, errorProps: readonly string[], model: (m: HostModel) => unknown];
const vol = (name: string, key: 'mountpoint' | 'device') => (m: HostModel) => m.volumes.find((v) => v.name === name)![key];
const HOST_FIELDS: readonly HostField[] = [
  ['fqdn', 'fqdn', ['fqdn'], (m) => m.fqdn],
  ['location.site', 'name', ['location.site'], (m) => m.location.site],
  ['location.row', 'name', ['location.row'], (m) => m.location.row],
  ['location.rack', 'name', ['location.rack'], (m) => m.location.rack],
  ['platform.os', 'name', ['platform.os'], (m) => m.platform.os],
  ['platform.release', 'name', ['platform.release'], (m) => m.platform.release],
  ['platform.agent.name', 'name', ['platform.agent.name'], (m) => m.platform.agent.name],
  ['platform.agent.version', 'name', ['platform.agent.version'], (m) => m.platform.agent.version],
  ['contacts.0.name', 'text', ['contacts[0].name'], (m) => m.contacts[0].name],
  ['contacts.0.email', 'email', ['contacts[0].email'], (m) => m.contacts[0].email],
  ['rootVolume.device', 'path', ['rootVolume.device', 'backup.restoreVolume'], vol('root', 'device')],
  ['dataVolume.mountpoint', 'path', ['dataVolume.mountpoint', 'backup.restoreVolume', 'varDirectory', 'queueDirectory'], vol('data', 'mountpoint')],
  ['dataVolume.device', 'path', ['dataVolume.device', 'backup.restoreVolume'], vol('data', 'device')],
  ['backup.restoreVolume.mountpoint', 'path', ['backup.restoreVolume.mountpoint', 'backup.restoreVolume'], vol('restore', 'mountpoint')],
  ['backup.restoreVolume.device', 'path', ['backup.restoreVolume.device', 'backup.restoreVolume'], vol('restore', 'device')],
  ['backup.paths.0', 'path', ['backup.paths[0]'], (m) => m.backup.paths[0]],
  ['varDirectory', 'path', ['varDirectory', 'queueDirectory'], (m) => m.service.queues[0].directory.replace(/\/queue\/[^/]+$/, '')],
  ['queueDirectory', 'path', ['queueDirectory'], (m) => m.service.queues[0].directory.replace(/\/[^/]+$/, '')],
  ['configFile', 'path', ['configFile'], (m) => m.service.configFile],
  ['binDirectory', 'path', ['binDirectory'], (m) => m.service.processGroups[0].cmdlineRegex],
  ['exporters.textfileDirectory', 'path', ['exporters.textfileDirectory'], (m) => m.exporters.textfileDirectory],
  ['user', 'name', ['user'], (m) => m.service.processGroups[0].user],
  ['unit', 'name', ['unit'], (m) => m.service.unit],
  ['database.host', 'name', ['database.host'], (m) => m.database!.host],
  ['webUrl', 'url', ['webUrl'], (m) => m.webUrl],
  ['mailmanVersion', 'version', ['mailmanVersion'], (m) => m.service.version],
  ['dataVolume.fstype', 'name', ['dataVolume.fstype'], (m) => m.volumes.find((v) => v.name === 'data')!.fstype],
];

const hostCase = fc.constantFrom(...HOST_FIELDS).chain((f) => valueOf(f[1]).map((value) => [f[0], value] as const));

/** Values that found bugs, kept as a fixed batch. */
const HOST_REGRESSIONS: ReadonlyArray<readonly [string, string]> = [
  ['contacts.0.name', 'admins \uD800'], // lone surrogate: was accepted, written to icinga2 as U+FFFD
  ['contacts.0.name', 'admins\u0085x'], // C1 control (NEL): was accepted as "no control characters"
  ['contacts.0.name', 'a\u2028b'], // line separator
  ['webUrl', 'https://lists.example.org/{{ $labels.instance }}/'], // braces: Go templates in Prometheus
  ['webUrl', 'https://lists.example.org/\u00e9t\u00e9/'], // non-ASCII: written raw, not as the URL parsers read it
  ['webUrl', 'https://lists.example.org/a%zz'], // broken percent escape
  ['backup.restoreVolume.mountpoint', `/${'a'.repeat(256)}`], // component over NAME_MAX
  ['dataVolume.mountpoint', `/${'a/'.repeat(2100)}a`], // over PATH_MAX
  ['backup.restoreVolume.mountpoint', '/srv/-restore.x@y+z'], // systemd-escape: \x2d, \x40, \x2b
  ['contacts.0.name', 'O\'Brien "ops" $(id) `id` ${x} } \\ % 😀 e\u0301 \u202eשלום'], // accepted free text, exact
  ['location.site', 'dc1;rm -rf /'],
  ['fqdn', 'a$(id).example.org'],
];

const HOST_BATCH = 40;
const HOST_RUNS = 3;

async function hostBatch(cases: ReadonlyArray<readonly [string, string]>): Promise<void> {
  const app = Testing.app();
  const stack = new ListhostStack(app, 'lists', STACK_PROPS);
  const accepted: { host: MailingListHost; field: HostField; value: string }[] = [];
  cases.forEach(([fieldName, value], i) => {
    const field = HOST_FIELDS.find((f) => f[0] === fieldName)!;
    const fqdn = `h${i}.fuzz.example.org`;
    let props = hostProps(fqdn);
    props = { ...props, location: { ...props.location, rack: 'r1' } };
    const what = `case ${i} ${fieldName}=${show(value)}`;
    try {
      const host = new MailingListHost(stack, `h${i}`, withValue(props, fieldName, value) as MailingListHostProps);
      accepted.push({ host, field, value });
    } catch (error) {
      assertPropError(error, `lists/h${i}`, fieldName === 'fqdn' ? ['fqdn'] : field[2], what);
    }
  });
  count('MailingListHost props', accepted.length, cases.length - accepted.length);
  if (accepted.length === 0) return;
  // The value is in the model exactly as given (host.json is the model as written).
  const artifacts = await renderStackArtifacts(accepted.map(({ host }) => ({ model: host.model })), STACK_PROPS.monitoring);
  for (const { host, field, value } of accepted) {
    const json = JSON.parse(artifacts.get(`hosts/${host.model.fqdn}/host.json`)!.content) as HostModel;
    const got = field[3](json);
    if (field[0] === 'binDirectory') assert.ok(String(got).includes(value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), `${field[0]}=${show(value)}: ${show(got)}`);
    else assert.equal(got, value, `${field[0]}=${show(value)} came out as ${show(got)}`);
  }
  const models = accepted.map(({ host }) => host.model);
  checkHosts(models, (m) => {
    const rootfs = new Map<string, string>();
    const prefix = `hosts/${m.fqdn}/rootfs`;
    for (const [path, file] of artifacts) if (path.startsWith(`${prefix}/`)) rootfs.set(path.slice(prefix.length), file.content);
    return rootfs;
  });
  // Prometheus: the scrape config through promtool, its labels and targets through YAML.
  const dir = scratch();
  const scrape = artifacts.get('monitoring/prometheus/scrape.yml')!.content;
  writeFileSync(join(dir, 'prometheus.yml'), `global: { scrape_interval: 1m }\n${scrape}`);
  const checked = run('promtool', ['check', 'config', '--syntax-only', join(dir, 'prometheus.yml')]);
  assert.equal(checked.status, 0, checked.stdout + checked.stderr);
  const jobs = (parse(scrape) as { scrape_configs: { job_name: string; static_configs: { targets: string[]; labels: Record<string, string> }[] }[] }).scrape_configs;
  for (const m of models) {
    const node = jobs.find((j) => j.job_name === 'node')!.static_configs.find((g) => g.labels.instance === m.fqdn)!;
    assert.deepEqual(node.labels, { instance: m.fqdn, site: m.location.site, row: m.location.row });
    const probes = jobs.find((j) => j.job_name === 'blackbox')!.static_configs.filter((g) => g.labels.instance === m.fqdn).map((g) => g.targets[0]);
    assert.deepEqual(probes, [m.webUrl, `${m.database!.host}:${m.database!.port}`]);
  }
  writeFileSync(join(dir, 'rules.yml'), artifacts.get('monitoring/prometheus/rules.yml')!.content);
  const rules = run('promtool', ['check', 'rules', join(dir, 'rules.yml')]);
  assert.equal(rules.status, 0, rules.stdout + rules.stderr);
}

describe('property: MailingListHost string props are rejected clearly or come out exactly as given', () => {
  it(`${HOST_RUNS} batches of ${HOST_BATCH} generated hosts (seed 8001) and the regression batch`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostCase, { minLength: HOST_BATCH, maxLength: HOST_BATCH }), (cases) => hostBatch(cases)),
      { seed: 8001, numRuns: HOST_RUNS + 1, endOnFailure: true, includeErrorInReport: true, examples: [[HOST_REGRESSIONS.map(([f, v]) => [f, v] as const)]] },
    );
  });
});

// ---------------------------------------------------------------------------
// 2. ServiceHost service definition props

const SERVICE: ServiceDefinitionProps = {
  kind: 'relay',
  version: '3.7',
  metricPrefix: 'relay',
  unit: 'relay.service',
  configFile: '/etc/relay/main.cf',
  restartCommand: ['systemctl', 'restart', 'relay.service'],
  processGroups: [
    { groupname: 'relay-master', role: 'master', cmdlineRegex: '^/usr/lib/relay/master( |$)', user: 'root', countedBy: 'collector' },
    { groupname: 'relay-qmgr', role: 'queue manager', cmdlineRegex: '^qmgr -l', user: 'relay' },
  ],
  queues: [{ name: 'deferred', directory: '/var/spool/relay/deferred', pagesOnAge: true }, { name: 'active', directory: '/var/spool/relay/active' }],
  queueFilePattern: '^[0-9]+',
  queueFileGlob: '*',
  queueFileMaxDepth: 2,
};

type ServiceField = readonly [field: string, kind: ValueKind, model: (m: HostModel) => unknown];
const SERVICE_FIELDS: readonly ServiceField[] = [
  ['kind', 'name', (m) => m.service.kind],
  ['version', 'version', (m) => m.service.version],
  ['metricPrefix', 'lowerName', (m) => m.service.metricPrefix],
  ['unit', 'name', (m) => m.service.unit],
  ['configFile', 'path', (m) => m.service.configFile],
  ['restartCommand.0', 'text', (m) => m.service.restartCommand[0]],
  ['restartCommand.2', 'text', (m) => m.service.restartCommand[2]],
  ['processGroups.1.groupname', 'lowerName', (m) => m.service.processGroups[1].groupname],
  ['processGroups.1.role', 'text', (m) => m.service.processGroups[1].role],
  ['processGroups.1.cmdlineRegex', 'regex', (m) => m.service.processGroups[1].cmdlineRegex],
  ['processGroups.1.pgrepPattern', 'regex', (m) => m.service.processGroups[1].pgrepPattern],
  ['processGroups.1.user', 'name', (m) => m.service.processGroups[1].user],
  ['queues.0.name', 'name', (m) => m.service.queues[0].name],
  ['queues.0.directory', 'path', (m) => m.service.queues[0].directory],
  ['queueFilePattern', 'regex', (m) => m.service.queueFilePattern],
  ['queueFileGlob', 'glob', (m) => m.service.queueFileGlob],
];
const errorProp = (field: string) => `service.${field.replace(/\.(\d+)(?=\.|$)/g, '[$1]')}`;


const SERVICE_REGRESSIONS: ReadonlyArray<readonly [string, string]> = [
  ['processGroups.1.role', 'queue \uD800 manager'],
  ['restartCommand.2', "relay.service'; reboot; '$(id)`id`\n"],
  ['queueFileGlob', '*.[!t]*$(id)`x`\'"\\'],
  ['processGroups.1.pgrepPattern', '^qmgr$ \\$HOME {1,2} (a|b)'],
  ['queueFilePattern', '^[0-9]+\\.?[0-9]*\\+[0-9a-f]{40}\\.(pck|bak)$'],
];

const SERVICE_BATCH = 30;
const SERVICE_RUNS = 2;

function serviceBatch(cases: ReadonlyArray<readonly [string, string]>): void {
  const app = Testing.app();
  const stack = new ListhostStack(app, 'relays', STACK_PROPS);
  const accepted: { host: ServiceHost; field: ServiceField; value: string }[] = [];
  cases.forEach(([fieldName, value], i) => {
    const field = SERVICE_FIELDS.find((f) => f[0] === fieldName)!;
    const props = { ...hostBaseProps(`r${i}.fuzz.example.org`), service: withValue(SERVICE, fieldName, value) };
    try {
      accepted.push({ host: new ServiceHost(stack, `r${i}`, props), field, value });
    } catch (error) {
      assertPropError(error, `relays/r${i}`, [errorProp(fieldName), 'service.restartCommand'], `case ${i} ${fieldName}=${show(value)}`);
    }
  });
  count('ServiceHost service props', accepted.length, cases.length - accepted.length);
  if (accepted.length === 0) return;
  const models = accepted.map(({ host }) => host.model);
  for (const { host, field, value } of accepted) {
    validateHostModel(host.model, host.model.fqdn);
    assert.equal(field[2](JSON.parse(JSON.stringify(host.model))), value, `${field[0]}=${show(value)}`);
  }
  checkHosts(models, (m) => new Map(renderRootfs(m, rootfsContributors).map((f) => [f.path, f.content])));
}

describe('property: ServiceHost service props are rejected clearly or come out exactly as given', () => {
  it(`${SERVICE_RUNS} batches of ${SERVICE_BATCH} generated hosts (seed 8002) and the regression batch`, () => {
    const serviceCase = fc
      .constantFrom(...SERVICE_FIELDS)
      .chain((f) => valueOf(f[1]).map((value) => [f[0], value] as const));
    fc.assert(
      fc.property(fc.array(serviceCase, { minLength: SERVICE_BATCH, maxLength: SERVICE_BATCH }), (cases) => serviceBatch(cases)),
      { seed: 8002, numRuns: SERVICE_RUNS + 1, endOnFailure: true, includeErrorInReport: true, examples: [[SERVICE_REGRESSIONS.map(([f, v]) => [f, v] as const)]] },
    );
  });

  // Found by this property: these came out as U+FFFD or as the renderer's bare "NUL byte" error.
  it('rejects NUL and unpaired surrogates in globs, regexes and restart words', () => {
    for (const [field, value] of [['queueFileGlob', '*\0'], ['queueFileGlob', '*\uD800'], ['restartCommand.2', 'x\uD800'], ['processGroups.1.cmdlineRegex', '^q\uDC00'], ['queueFilePattern', '^[0-9]+\uD800']] as const) {
      assert.throws(
        () => new ServiceHost(new ListhostStack(Testing.app(), 'relays', STACK_PROPS), 'r1', { ...hostBaseProps('r1.fuzz.example.org'), service: withValue(SERVICE, field, value) }),
        (error) => (assertPropError(error, 'relays/r1', [errorProp(field)], `${field}=${show(value)}`), true),
      );
    }
  });
});

// ---------------------------------------------------------------------------
// 3. Stack monitoring and alerting props

type StackField = readonly [field: string, kind: ValueKind, read: (am: any) => unknown];
const receiver = (am: any, name: string) => am.receivers.find((r: any) => r.name === name);
const STACK_FIELDS: readonly StackField[] = [
  ['runbookBaseUrl', 'url', () => undefined],
  ['alerting.pager.name', 'name', (am) => am.route.routes.find((r: any) => r.matchers[0] === 'severity="critical"').receiver],
  ['alerting.pager.webhookUrl', 'url', (am) => am.receivers[0].webhook_configs[0].url],
  ['alerting.pager.webhookCredentialsFile', 'path', (am) => am.receivers[0].webhook_configs[0].http_config.authorization.credentials_file],
  ['alerting.tickets.email', 'email', (am) => receiver(am, 'sre-tickets').email_configs[0].to],
  ['alerting.listAdmins.email', 'email', (am) => receiver(am, 'list-admins').email_configs[0].to],
  ['alerting.listAdmins.name', 'name', (am) => am.route.routes[0].receiver],
  ['alerting.smarthost', 'name', (am) => am.global.smtp_smarthost],
  ['alerting.emailFrom', 'email', (am) => am.global.smtp_from],
  ['alerting.smtpAuthUsername', 'text', (am) => am.global.smtp_auth_username],
  ['alerting.smtpAuthPasswordFile', 'text', (am) => am.global.smtp_auth_password_file],
  ['alerting.alertmanagerVersion', 'version', () => undefined],
];

const STACK_REGRESSIONS: ReadonlyArray<readonly [string, string]> = [
  ['runbookBaseUrl', 'https://runbooks.example.org/{{ $labels.instance }}/'], // expanded by Prometheus: was accepted
  ['runbookBaseUrl', 'https://runbooks.example.org/{{.Value}}/'],
  ['alerting.tickets.email', '{{.Status}}@example.org'], // a dot-atom Alertmanager would expand to firing@example.org: was accepted
  ['alerting.emailFrom', 'x{{.}}y@example.org'],
  ['alerting.pager.webhookUrl', 'https://pager.example.org/a\tb\nc'], // WHATWG drops tab/newline, Go refuses them: was accepted, amtool failed
  ['alerting.pager.webhookUrl', 'https://pager.example.org/\u00e9'],
  ['alerting.smtpAuthUsername', 'user\uD800'], // unpaired surrogate
  ['alerting.smtpAuthUsername', 'yes'],
  ['alerting.smtpAuthUsername', "o'brien \"x\" $(id) {{ . }} # - *a &b !c %"],
  ['alerting.smtpAuthPasswordFile', '/etc/alertmanager/p w#$(id)`x` {{ . }}'],
  ['runbookBaseUrl', "https://runbooks.example.org/a$b!c*d(e)f;g,h=i&j'/"],
  ['runbookBaseUrl', 'https://runbooks.example.org/%7B%7B/'],
];

const STACK_RUNS = 2;
const STACK_BATCH = 25;

async function stackBatch(cases: ReadonlyArray<readonly [string, string]>): Promise<void> {
  const dir = scratch();
  const accepted: { field: StackField; value: string; i: number; monitoring: typeof STACK_PROPS.monitoring; am: string; rules?: string }[] = [];
  let rejected = 0;
  for (const [i, [fieldName, value]] of cases.entries()) {
    const field = STACK_FIELDS.find((f) => f[0] === fieldName)!;
    let monitoring = withValue(STACK_PROPS.monitoring, fieldName, value);
    if (fieldName === 'alerting.smtpAuthUsername') monitoring = withValue(monitoring, 'alerting.smtpAuthPasswordFile', '/etc/alertmanager/smtp-password');
    if (fieldName === 'alerting.smtpAuthPasswordFile') monitoring = withValue(monitoring, 'alerting.smtpAuthUsername', 'alertmanager');
    const app = Testing.app();
    let stack: ListhostStack;
    try {
      stack = new ListhostStack(app, `s${i}`, { monitoring });
    } catch (error) {
      rejected++;
      const prop = `monitoring.${fieldName}`;
      const props = fieldName === 'alerting.listAdmins.name' || fieldName === 'alerting.pager.name' ? [prop, 'monitoring.alerting.tickets.name'] : [prop];
      assertPropError(error, `ListhostStack s${i}`, props, `case ${i} ${fieldName}=${show(value)}`);
      continue;
    }
    const host = new MailingListHost(stack, 'host', hostProps());
    const artifacts = await renderStackArtifacts([{ model: host.model }], monitoring);
    const am = artifacts.get('monitoring/alertmanager/alertmanager.yml')!.content;
    accepted.push({ field, value, i, monitoring, am, rules: fieldName === 'runbookBaseUrl' ? artifacts.get('monitoring/prometheus/rules.yml')!.content : undefined });
  }
  count('ListhostStack monitoring props', accepted.length, rejected);
  if (accepted.length === 0) return;
  // Alertmanager: every config through amtool at once; values through YAML and amtool's routing tree.
  const files = accepted.map(({ i, am }) => {
    const path = join(dir, `alertmanager-${i}.yml`);
    writeFileSync(path, am);
    return path;
  });
  const checked = run('amtool', ['check-config', ...files]);
  assert.equal(checked.status, 0, checked.stdout + checked.stderr);
  for (const [k, { field, value, am }] of accepted.entries()) {
    const expected = field[2](parse(am));
    if (expected !== undefined) assert.equal(expected, value, `${field[0]}=${show(value)} in alertmanager.yml`);
    if (field[0].endsWith('.name')) {
      const routes = run('amtool', ['config', 'routes', `--config.file=${files[k]}`]);
      assert.equal(routes.status, 0, routes.stderr);
      assert.ok(routes.stdout.includes(`receiver: ${value}`), `${field[0]}=${show(value)} not in amtool's routing tree:\n${routes.stdout}`);
    }
  }
  // Prometheus: runbook_url as promtool's own template expansion gives it, for a HostDown that fires.
  const tests: string[] = [];
  for (const { i, value, rules } of accepted) {
    if (rules === undefined) continue;
    writeFileSync(join(dir, `rules-${i}.yml`), rules);
    const hostDown = parse(rules).groups.flatMap((g: any) => g.rules).find((r: any) => r.alert === 'HostDown');
    const expand = (s: string) => s.replace(/\{\{ \$labels\.instance \}\}/g, 'a.example.org');
    assert.ok(!/\{\{/.test(expand(hostDown.annotations.summary + hostDown.annotations.description)), 'HostDown annotations use only $labels.instance');
    const test = {
      rule_files: [`rules-${i}.yml`],
      evaluation_interval: '1m',
      tests: [{
        interval: '1m',
        input_series: ['node', 'process', 'blackbox'].map((job) => ({ series: `up{job="${job}",instance="a.example.org"}`, values: '0x60' })),
        alert_rule_test: [{
          eval_time: '60m',
          alertname: 'HostDown',
          exp_alerts: [{
            exp_labels: { ...hostDown.labels, instance: 'a.example.org' },
            exp_annotations: { summary: expand(hostDown.annotations.summary), description: expand(hostDown.annotations.description), runbook_url: `${value}HostDown.md` },
          }],
        }],
      }],
    };
    const path = join(dir, `runbook-test-${i}.yml`);
    writeFileSync(path, JSON.stringify(test));
    tests.push(path);
  }
  if (tests.length > 0) {
    const rules = run('promtool', ['check', 'rules', ...tests.map((t) => t.replace('runbook-test-', 'rules-'))]);
    assert.equal(rules.status, 0, rules.stdout + rules.stderr);
    const replay = run('promtool', ['test', 'rules', ...tests], { cwd: dir });
    assert.equal(replay.status, 0, replay.stdout + replay.stderr);
  }
}

describe('property: ListhostStack monitoring and alerting props are rejected clearly or come out exactly as given', () => {
  it(`${STACK_RUNS} batches of ${STACK_BATCH} generated stacks (seed 8003) and the regression batch`, async () => {
    const stackCase = fc.constantFrom(...STACK_FIELDS).chain((f) =>
      (f[0] === 'runbookBaseUrl' ? valueOf('url').map((u) => (u.endsWith('/') ? u : `${u}/`)) : f[0] === 'alerting.smarthost' ? fc.oneof(valueOf('name'), VALID.fqdn.map((h) => `${h}:587`)) : valueOf(f[1])).map((value) => [f[0], value] as const),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(stackCase, { minLength: STACK_BATCH, maxLength: STACK_BATCH }), (cases) => stackBatch(cases)),
      { seed: 8003, numRuns: STACK_RUNS + 1, endOnFailure: true, includeErrorInReport: true, examples: [[STACK_REGRESSIONS.map(([f, v]) => [f, v] as const)]] },
    );
  });
});
