/**
 * The second example, examples/mail-relay (two Postfix relays), as the first
 * is tested: through the real `cdktf synth`, byte-identical across synths,
 * its artifacts through promtool, amtool, icinga2 and `listhost lint`, and
 * a promtool replay of its failures (test/reuse/replays/) against the
 * rules.yml it wrote. It is built only from the library's public, generic
 * building blocks: no Mailman code path, and no file it writes names Mailman
 * (but the library's own mixin source, copied verbatim into every stack).
 */
import { strict as assert } from 'node:assert';
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import * as library from '../../lib';
import { validateHostModel } from '../../lib/model/validate';
import { evaluateMixin, mixinDirectory } from '../../lib/monitoring/evaluate-mixin';
import { MIXIN_CONFIG_FILE } from '../../lib/monitoring/render-monitoring';
import { IcingaInstance } from '../icinga2/icinga';
import { run, type RunResult } from '../helpers/run';
import { REPO, synthExample } from '../helpers/synth';
import { treeDigests, walkFiles } from '../helpers/tree';

const APP = 'npx tsx examples/mail-relay/main.ts';
const HOSTS = ['relay1001.example.org', 'relay2001.example.org'];
const SPOOL = '/var/spool/postfix';
const REPLAY = 'relay-deferred-stalls.yml';

function show(r: RunResult): string {
  return `exit ${r.status}\n${r.stdout}\n${r.stderr}`;
}

function lint(dir: string): RunResult {
  return run(process.execPath, ['--import', 'tsx', join(REPO, 'lib/cli/main.ts'), 'lint', dir], { cwd: REPO });
}

describe('examples/mail-relay: built only from the generic building blocks', () => {
  const source = readFileSync(join(REPO, 'examples/mail-relay/main.ts'), 'utf8');
  const imports = [...source.matchAll(/^import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'([^']+)';$/gm)].map((m) => ({
    names: m[1].split(',').map((n) => n.trim().replace(/^type\s+/, '')).filter((n) => n !== ''),
    from: m[2],
  }));

  it('imports cdktf and the library index only, and from the index only generic names', () => {
    assert.equal(imports.length, [...source.matchAll(/^import /gm)].length, 'every import is a named import');
    assert.deepEqual(imports.map((i) => i.from).sort(), ['../../lib', 'cdktf']);
    const names = imports.find((i) => i.from === '../../lib')!.names;
    assert.deepEqual(names.sort(), ['ListhostStack', 'ServiceDefinitionProps', 'ServiceHost', 'synthesize']);
    for (const name of names.filter((n) => n !== 'ServiceDefinitionProps')) assert.ok(name in library, `${name} is a public export`);
  });

  it('names no Mailman construct, catalogue or helper', () => {
    assert.doesNotMatch(source, /mailman|MailingList|listhost-stack|\/constructs\/|\/model\//i);
  });
});

describe('cdktf synth of examples/mail-relay', () => {
  const first = synthExample(APP);
  const second = synthExample(APP);
  const scratch = mkdtempSync(join(tmpdir(), 'listhost-relay-'));
  after(() => {
    for (const dir of [first, second, scratch]) rmSync(dir, { recursive: true, force: true });
  });
  const stack = join(first, 'stacks/relay');
  const monitoring = join(stack, 'monitoring');
  const model = (fqdn: string) => JSON.parse(readFileSync(join(stack, 'hosts', fqdn, 'host.json'), 'utf8'));
  const rootfs = (fqdn: string, path: string) => join(stack, 'hosts', fqdn, 'rootfs', path);

  it('writes cdk.tf.json and, per host, a valid host.json and the rootfs of a Postfix relay', () => {
    assert.deepEqual(readdirSync(join(first, 'stacks')), ['relay']);
    assert.ok(statSync(join(stack, 'cdk.tf.json')).isFile());
    for (const fqdn of HOSTS) {
      validateHostModel(model(fqdn), `${fqdn}/host.json`);
      for (const path of [
        'etc/prometheus/process-exporter.yml',
        'usr/local/lib/listhost/postfix-queue-collector',
        'usr/local/lib/listhost/postfix-selfheal',
        'etc/systemd/system/listhost-postfix-queue-collector.timer',
        'etc/systemd/system/listhost-postfix-selfheal.timer',
        'etc/systemd/system/srv-restore.mount',
        'usr/lib/nagios/plugins/check_listhost_queue',
      ]) assert.ok(statSync(rootfs(fqdn, path)).isFile(), `${fqdn}: ${path}`);
    }
  });

  it('the hosts are two Debian 12 / Puppet 7 relays in two sites, spool on the data volume, restores on their own', () => {
    const [a, b] = HOSTS.map(model);
    assert.deepEqual([a.location.site, a.location.row, b.location.site, b.location.row], ['dc1', 'A', 'dc2', 'B']);
    for (const m of [a, b]) {
      assert.deepEqual([m.platform.os, m.platform.release, m.platform.agent.name, m.platform.agent.version], ['debian', '12', 'puppet', '7']);
      assert.deepEqual([m.service.kind, m.service.metricPrefix, m.service.unit], ['postfix', 'postfix', 'postfix@-.service']);
      assert.deepEqual(
        m.service.processGroups.map((g: Record<string, unknown>) => [g.groupname, g.role, g.user, g.expectedProcesses, g.countedBy]),
        [['postfix-master', 'master', 'root', 1, 'collector'], ['postfix-qmgr', 'queue manager', 'postfix', 1, 'process-exporter']],
      );
      assert.deepEqual(
        m.service.queues.map((q: Record<string, unknown>) => [q.name, q.directory, q.pagesOnAge, q.ticketWhenNonEmpty]),
        [
          ['active', `${SPOOL}/active`, true, false],
          ['deferred', `${SPOOL}/deferred`, true, false],
          ['hold', `${SPOOL}/hold`, false, true],
          ['incoming', `${SPOOL}/incoming`, false, false],
        ],
      );
      assert.deepEqual([m.service.queueFilePattern, m.service.queueFileGlob, m.service.queueFileMaxDepth], [null, '*', 2]);
      const volume = (name: string) => m.volumes.find((v: { name: string }) => v.name === name);
      assert.equal(volume(m.dataVolume).mountpoint, SPOOL);
      const restore = volume(m.backup.restoreVolume);
      assert.deepEqual([restore.mountpoint, restore.device, restore.managed, restore.inodes], ['/srv/restore', '/dev/vdc', true, 400_000]);
    }
  });

  it('is byte-identical across two synths', () => {
    assert.deepEqual(treeDigests(join(second, 'stacks/relay')), treeDigests(stack));
  });

  it('no file it writes names Mailman; the mixin source it carries is the library\'s, verbatim', () => {
    const all = [...walkFiles(first, () => true).keys()];
    assert.ok(all.length > 50, `${all.length} files`);
    const librarySource = (f: string) => f.startsWith('stacks/relay/monitoring/mixin/') && !/\/(listhost-config\.json|USAGE\.md)$/.test(f);
    const mentions = all.filter((f) => !librarySource(f) && /mailman/i.test(readFileSync(join(first, f), 'utf8')));
    assert.deepEqual(mentions, []);
    // What is left are the mixin's own files (its defaults and README name its
    // first service); the stack's config, listhost-config.json, overrides them.
    for (const f of all.filter(librarySource)) {
      const path = relative('stacks/relay/monitoring/mixin', f);
      assert.equal(readFileSync(join(first, f), 'utf8'), readFileSync(join(mixinDirectory, path), 'utf8'), `${f} is lib/mixin/${path}`);
    }
  });

  it('the collector and the queue plugin it installs count deferred mail one hash level down', () => {
    // The relay's own scripts, their spool pointed at a directory built here.
    const spool = join(scratch, 'spool');
    const now = Math.floor(Date.now() / 1000);
    const message = (path: string, ago: number) => {
      mkdirSync(join(spool, path, '..'), { recursive: true });
      writeFileSync(join(spool, path), 'x');
      utimesSync(join(spool, path), now - ago, now - ago);
    };
    for (const q of ['active', 'incoming', 'hold']) mkdirSync(join(spool, q), { recursive: true });
    message('deferred/A/4C2F1D2E3A', 5400);
    message('deferred/7/7E3B1A9F02', 60);
    message('active/5A6B7C8D9E', 20);
    const install = (path: string, name: string) => {
      const script = join(scratch, name);
      writeFileSync(script, readFileSync(rootfs(HOSTS[0], path), 'utf8').split(`'${SPOOL}/`).join(`'${spool}/`));
      chmodSync(script, 0o755);
      return script;
    };
    const collector = install('usr/local/lib/listhost/postfix-queue-collector', 'collector');
    const textfile = join(scratch, 'postfix_queues.prom');
    const collected = run(collector, [], { env: { ...process.env, LISTHOST_TEXTFILE: textfile } });
    assert.equal(collected.status, 0, show(collected));
    const prom = readFileSync(textfile, 'utf8');
    assert.match(prom, /^postfix_queue_messages\{queue="deferred"\} 2$/m);
    const age = Number(/^postfix_queue_oldest_message_age_seconds\{queue="deferred"\} (\d+)$/m.exec(prom)![1]);
    assert.ok(age >= 5400 && age < 5520, `deferred age ${age}`);
    assert.match(prom, /^postfix_queue_messages\{queue="active"\} 1$/m);
    assert.match(prom, /^postfix_runner_expected_processes\{groupname="postfix-qmgr"\} 1$/m);
    assert.match(prom, /^postfix_process_group_live_processes\{groupname="postfix-master"\} \d+$/m);

    const plugin = install('usr/lib/nagios/plugins/check_listhost_queue', 'check_listhost_queue');
    const checked = run(plugin, ['-d', join(spool, 'deferred'), '-w', '900', '-c', '1800']);
    assert.equal(checked.status, 2, show(checked));
    assert.match(checked.stdout, /^QUEUE CRITICAL - deferred: 2 messages, oldest \d+s \(oldest > 1800s\) \| messages=2;;;0 /);
  });

  it('rules.yml passes promtool check rules; scrape.yml promtool check config; alertmanager.yml amtool check-config', () => {
    const rules = join(monitoring, 'prometheus/rules.yml');
    const checked = run('promtool', ['check', 'rules', rules]);
    assert.equal(checked.status, 0, show(checked));
    assert.match(checked.stdout, /SUCCESS: \d+ rules found/);
    const scrape = parse(readFileSync(join(monitoring, 'prometheus/scrape.yml'), 'utf8'));
    const config = join(scratch, 'prometheus.yml');
    writeFileSync(config, JSON.stringify({ global: { scrape_interval: '1m' }, rule_files: [rules], ...scrape }));
    const prometheus = run('promtool', ['check', 'config', config]);
    assert.equal(prometheus.status, 0, show(prometheus));
    const alertmanager = join(monitoring, 'alertmanager/alertmanager.yml');
    const am = run('amtool', ['check-config', alertmanager]);
    assert.equal(am.status, 0, show(am));
    const route = (...labels: string[]) => run('amtool', ['config', 'routes', 'test', `--config.file=${alertmanager}`, ...labels]).stdout.trim();
    assert.equal(route('severity=critical', 'alertname=PostfixRunnerDown', 'instance=relay1001.example.org'), 'oncall-pager');
    assert.equal(route('severity=warning', 'alertname=PostfixFailedMessagesQueued', 'instance=relay1001.example.org'), 'sre-tickets');
  });

  it('its alerts are the Postfix service\'s, each with a runbook for its own paths', () => {
    const rules = parse(readFileSync(join(monitoring, 'prometheus/rules.yml'), 'utf8'));
    const alerts = new Set<string>(rules.groups.flatMap((g: { rules: Array<{ alert?: string }> }) => g.rules.flatMap((r) => (r.alert ? [r.alert] : []))));
    for (const name of ['PostfixRunnerDown', 'PostfixMasterDown', 'PostfixQueueStalled', 'PostfixQueueLarge', 'PostfixFailedMessagesQueued', 'FilesystemFilesBurst', 'FilesystemAlmostOutOfFiles', 'HostDown']) {
      assert.ok(alerts.has(name), name);
      assert.ok(statSync(join(monitoring, 'runbooks', `${name}.md`)).isFile(), `runbook of ${name}`);
    }
    // No web front end and no database: no probe alert.
    assert.deepEqual([...alerts].filter((a) => /Web|Database/.test(a)), []);
    const stalled = readFileSync(join(monitoring, 'runbooks/PostfixQueueStalled.md'), 'utf8');
    assert.match(stalled, /find \/var\/spool\/postfix\/deferred -mindepth 1 -maxdepth 2 -type f \| wc -l/);
    assert.match(stalled, /systemctl restart postfix@-\.service/);
    const runner = readFileSync(join(monitoring, 'runbooks/PostfixRunnerDown.md'), 'utf8');
    // `$` inside single quotes, or closed and escaped (shell.ts quoting): the same word to the shell.
    assert.match(runner, /pgrep -a -u postfix -f '\^qmgr\( \|(\$|'\\\$')\)'/);
    const config = JSON.parse(readFileSync(join(monitoring, 'mixin', MIXIN_CONFIG_FILE), 'utf8'));
    assert.deepEqual(config.services.map((s: Record<string, unknown>) => [s.kind, s.alertPrefix, s.runnerGroupRegex, s.masterGroup, s.masterCountedBy, s.pagingQueues, s.ticketQueues]), [
      ['postfix', 'Postfix', 'postfix-qmgr', 'postfix-master', 'collector', ['active', 'deferred'], ['hold']],
    ]);
  });

  it('its alert texts, runbooks and dashboard speak Postfix, not Mailman: no runner, posting, list admins or database', () => {
    const rulesYaml = readFileSync(join(monitoring, 'prometheus/rules.yml'), 'utf8');
    const rules = parse(rulesYaml).groups.flatMap((g: { rules: Array<Record<string, any>> }) => g.rules);
    const alerts = rules.filter((r: Record<string, any>) => r.alert);
    // Words of Mailman (alert names such as PostfixRunnerDown are fixed and not words of their own).
    const mailmanWords = /\brunners?\b|\bpostings?\b|mailman|unshunt|list admins|\bREST\b|DatabaseUnreachable/i;
    for (const r of alerts) {
      for (const text of [r.annotations.summary, r.annotations.description]) assert.doesNotMatch(text, mailmanWords, `${r.alert}: ${text}`);
      assert.equal(r.labels.list_visible, undefined, `${r.alert} has no list admins to tell`);
    }
    const text = (alert: string) => alerts.find((r: Record<string, any>) => r.alert === alert).annotations;
    assert.equal(text('PostfixRunnerDown').summary, 'Postfix daemon {{ $labels.groupname }} is down on {{ $labels.instance }}.');
    assert.match(text('PostfixRunnerDown').description, /The master starts a daemon that died again/);
    assert.match(text('PostfixMasterDown').description, /no daemon is supervised/);
    assert.match(text('PostfixQueueLarge').description, /A burst of mail drains faster than that/);
    assert.match(text('PostfixQueueStalled').description, /Check PostfixRunnerDown, then the outgoing SMTP relay/);
    assert.match(text('PostfixFailedMessagesQueued').description, /then release or remove them/);
    for (const name of readdirSync(join(monitoring, 'runbooks'))) {
      assert.doesNotMatch(readFileSync(join(monitoring, 'runbooks', name), 'utf8'), mailmanWords, name);
    }
    const dashboard = JSON.parse(readFileSync(join(monitoring, 'grafana/listhost-overview.json'), 'utf8'));
    assert.deepEqual(dashboard.panels.map((p: { title: string }) => p.title).slice(2), [
      'Postfix processes vs expected', 'Postfix queue messages', 'Postfix oldest message age', 'Postfix queue drain time',
    ]);
    const config = JSON.parse(readFileSync(join(monitoring, 'mixin', MIXIN_CONFIG_FILE), 'utf8'));
    assert.deepEqual(
      config.services.map((s: Record<string, unknown>) => [s.displayName, s.workerNoun, s.workersNoun, s.supervisorNoun, s.supervisorRestartsWorkers, s.burstName, s.requeueVerb, s.listVisible, s.databaseProbeSelector]),
      [['Postfix', 'daemon', 'daemons', 'master', true, 'a burst of mail', 'release', false, null]],
    );
  });

  it('the jsonnet CLI rebuilds the same rules.yml from its copied mixin and listhost-config.json', async () => {
    const r = run('jsonnet', ['-J', 'monitoring/mixin', '--tla-code-file', `config=monitoring/mixin/${MIXIN_CONFIG_FILE}`, 'monitoring/mixin/render.jsonnet'], { cwd: stack });
    assert.equal(r.status, 0, show(r));
    const { serializeMixin } = await import('../../lib/monitoring/evaluate-mixin');
    assert.equal(serializeMixin(JSON.parse(r.stdout)).rulesYaml, readFileSync(join(monitoring, 'prometheus/rules.yml'), 'utf8'));
  });

  it('its Icinga queue check reads the root-run collector\'s textfile, not the 0700 spool the nagios user cannot read', () => {
    const hostsConf = readFileSync(join(monitoring, 'icinga2/hosts.conf'), 'utf8');
    assert.equal([...hostsConf.matchAll(/vars\.listhost_queue_textfile = "\/var\/lib\/prometheus\/node-exporter\/postfix_queues\.prom"/g)].length, HOSTS.length);
    const collector = readFileSync(rootfs(HOSTS[0], 'usr/local/lib/listhost/postfix-queue-collector'), 'utf8');
    assert.match(collector, /'\/var\/lib\/prometheus\/node-exporter\/postfix_queues\.prom'/, 'the collector writes the file the check reads');
    // The plugin as installed, reading what the collector wrote about a spool it may not read itself.
    const plugin = join(scratch, 'check_listhost_queue_textfile');
    writeFileSync(plugin, readFileSync(rootfs(HOSTS[0], 'usr/lib/nagios/plugins/check_listhost_queue'), 'utf8'));
    chmodSync(plugin, 0o755);
    const now = Math.floor(Date.now() / 1000);
    const textfile = join(scratch, 'postfix_queues.textfile.prom');
    const write = (collectedAgo: number | null, deferredAge: number) => writeFileSync(textfile, [
      'postfix_queue_messages{queue="active"} 0',
      'postfix_queue_oldest_message_age_seconds{queue="active"} 0',
      'postfix_queue_messages{queue="deferred"} 4',
      `postfix_queue_oldest_message_age_seconds{queue="deferred"} ${deferredAge}`,
      ...(collectedAgo === null ? [] : [`postfix_queue_collector_last_success_timestamp_seconds ${now - collectedAgo}`]),
      '',
    ].join('\n'));
    const check = (queue: string) => run(plugin, ['-d', `${SPOOL}/${queue}`, '-w', '900', '-c', '1800', '--textfile', textfile, '--queue', queue]);
    write(20, 2000);
    const critical = check('deferred');
    assert.equal(critical.status, 2, show(critical));
    assert.match(critical.stdout, /^QUEUE CRITICAL - deferred: 4 messages, oldest 20[2-4]\ds \(oldest > 1800s\) \| messages=4;;;0 /);
    const ok = check('active');
    assert.equal(ok.status, 0, show(ok));
    assert.match(ok.stdout, /^QUEUE OK - active: 0 messages \|/);
    const missing = check('incoming');
    assert.equal(missing.status, 3, show(missing));
    assert.match(missing.stdout, /no count or age of queue incoming/);
    write(600, 10);
    const stale = check('deferred');
    assert.equal(stale.status, 3, show(stale));
    assert.match(stale.stdout, /the queue collector last succeeded 60\ds ago \(more than 300s\)/);
    write(null, 10);
    const failed = check('deferred');
    assert.equal(failed.status, 3, show(failed));
    assert.match(failed.stdout, /the queue collector's last run failed/);
    const shellcheck = run('shellcheck', [plugin]);
    assert.equal(shellcheck.status, 0, show(shellcheck));
  });

  it('listhost lint passes on it, and fails on a dropped alert, a restore onto the spool and a mixed platform', () => {
    const clean = lint(first);
    assert.equal(clean.status, 0, show(clean));
    assert.match(clean.stdout, /2 hosts in 1 stack/);
    assert.match(clean.stdout, /0 errors, 0 warnings/);

    const broken = join(scratch, 'broken');
    cpSync(first, broken, { recursive: true });
    const brokenStack = join(broken, 'stacks/relay');
    const rulesFile = join(brokenStack, 'monitoring/prometheus/rules.yml');
    const rules = parse(readFileSync(rulesFile, 'utf8'));
    for (const group of rules.groups) group.rules = group.rules.filter((r: { alert?: string }) => r.alert !== 'PostfixRunnerDown');
    writeFileSync(rulesFile, JSON.stringify(rules));
    const edit = (fqdn: string, change: (m: any) => void) => {
      const file = join(brokenStack, 'hosts', fqdn, 'host.json');
      const m = JSON.parse(readFileSync(file, 'utf8'));
      change(m);
      writeFileSync(file, JSON.stringify(m, null, 2));
    };
    edit(HOSTS[0], (m) => { m.volumes.find((v: { name: string }) => v.name === 'restore').mountpoint = SPOOL; });
    edit(HOSTS[1], (m) => { m.platform.agent.version = '2.7'; });
    const failed = lint(broken);
    assert.equal(failed.status, 1, show(failed));
    assert.match(failed.stdout, /ERROR +LH004 relay1001\.example\.org/, 'qmgr and master lost their alert');
    assert.match(failed.stdout, /ERROR +LH009 relay1001\.example\.org .*\n.*the restore volume is the data volume \(\/var\/spool\/postfix\)/);
    assert.match(failed.stdout, /ERROR +LH012 relay2001\.example\.org .*\n.*runs config-management agent puppet 2\.7; fleet 'default' runs puppet 7/);
  });

  it('icinga2/*.conf loads in icinga2 daemon -C: a procs check per group, a queue check per queue (depth 2), a disk check per volume', () => {
    const conf: Record<string, string> = {};
    for (const name of readdirSync(join(monitoring, 'icinga2'))) conf[name] = readFileSync(join(monitoring, 'icinga2', name), 'utf8');
    const instance = new IcingaInstance(join(scratch, 'icinga2'), { ZoneName: 'master' });
    instance.write(conf, 'object Endpoint "master" { }\nobject Zone "master" { endpoints = [ "master" ] }\n');
    const result = instance.validate();
    assert.equal(result.status, 0, show(result));
    const services = instance.objects().filter((o) => o.type === 'Service');
    for (const fqdn of HOSTS) {
      const names = services.filter((s) => s.properties.host_name === fqdn).map((s) => s.properties.name).sort();
      assert.deepEqual(names, [
        'disk-data', 'disk-restore', 'disk-root',
        'procs-postfix-master', 'procs-postfix-qmgr',
        'queue-active', 'queue-deferred', 'queue-hold', 'queue-incoming',
      ]);
    }
    const of = (fqdn: string, name: string) => services.find((s) => s.properties.host_name === fqdn && s.properties.name === name)!.properties.vars;
    assert.equal(of(HOSTS[0], 'queue-deferred').listhost_queue_max_depth, 2);
    assert.equal(of(HOSTS[0], 'queue-deferred').listhost_queue_directory, `${SPOOL}/deferred`);
    assert.equal(of(HOSTS[0], 'queue-hold').listhost_queue_count_warning, 0, 'a held message opens a ticket');
    assert.equal(of(HOSTS[0], 'queue-deferred').listhost_queue_name, 'deferred', 'the queue label the check looks up in the textfile');
    const host = instance.objects().find((o) => o.type === 'Host' && o.properties.name === HOSTS[0])!;
    assert.equal(host.properties.vars.listhost_queue_textfile, '/var/lib/prometheus/node-exporter/postfix_queues.prom');
    const command = instance.objects().find((o) => o.type === 'CheckCommand' && o.properties.name === 'listhost-queue')!;
    assert.deepEqual([command.properties.arguments['--textfile'].value, command.properties.arguments['--queue'].value], ['$listhost_queue_textfile$', '$listhost_queue_name$']);
    assert.equal(of(HOSTS[0], 'procs-postfix-qmgr').procs_user, 'postfix');
    const disk = of(HOSTS[0], 'disk-data');
    assert.deepEqual(disk.disk_partitions, [SPOOL]);
    assert.ok(disk.disk_inode_wfree !== undefined && disk.disk_inode_cfree !== undefined, 'inode thresholds on the spool');
  });

  describe('promtool replays (test/reuse/replays/) against the rules.yml it wrote', () => {
    const replayDir = (rulesYaml: string) => {
      const dir = mkdtempSync(join(scratch, 'replay-'));
      writeFileSync(join(dir, 'rules.yml'), rulesYaml);
      copyFileSync(join(__dirname, 'replays', REPLAY), join(dir, REPLAY));
      return run('promtool', ['test', 'rules', REPLAY], { cwd: dir });
    };
    const config = () => JSON.parse(readFileSync(join(monitoring, 'mixin', MIXIN_CONFIG_FILE), 'utf8'));
    const loosened = async (edit: Record<string, unknown>) => {
      const c = config();
      return replayDir((await evaluateMixin({ ...c, services: c.services.map((s: object) => ({ ...s, ...edit })) })).rulesYaml);
    };

    it('qmgr dead pages at fault+2, the stalled deferred queue at fault+17, the draining burst in active stays quiet', () => {
      const r = replayDir(readFileSync(join(monitoring, 'prometheus/rules.yml'), 'utf8'));
      assert.equal(r.status, 0, show(r));
      assert.match(r.stdout, /SUCCESS/);
    });

    it('the rules evaluated from its listhost-config.json are the rules.yml it wrote (the controls below change one knob of the same rules)', async () => {
      assert.equal((await evaluateMixin(config())).rulesYaml, readFileSync(join(monitoring, 'prometheus/rules.yml'), 'utf8'));
    });

    it('control: with a 10m `for` on the process-group alert, the dead qmgr misses its 5 minutes', async () => {
      const r = await loosened({ runnerDownFor: '10m' });
      assert.notEqual(r.status, 0, show(r));
      assert.match(r.stdout + r.stderr, /PostfixRunnerDown/);
    });

    it('control: paging on the critical age alone (1800 s) misses the deferred queue\'s 20 minutes', async () => {
      const r = await loosened({ queueAgeWarningSeconds: 1800, queueAgeCriticalSeconds: 3600 });
      assert.notEqual(r.status, 0, show(r));
      assert.match(r.stdout + r.stderr, /PostfixQueueStalled/);
    });

    it('control: a large-queue ticket after 30m instead of 1h fires on the busy hours\' burst', async () => {
      const r = await loosened({ queueLargeFor: '30m' });
      assert.notEqual(r.status, 0, show(r));
      assert.match(r.stdout + r.stderr, /PostfixQueueLarge/);
    });
  });
});
