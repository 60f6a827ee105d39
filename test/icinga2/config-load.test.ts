/**
 * The rendered Icinga 2 configuration for the two example hosts, loaded by
 * the real `icinga2 daemon -C`, and the objects it instantiated read back
 * from Icinga's own objects cache.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { HostModel } from '../../lib/model/types';
import { renderIcinga2, type Icinga2Options } from '../../lib/render/icinga2';
import { exampleHostModel } from '../fixtures/host-model';
import { IcingaInstance, type IcingaObject } from './icinga';

const work = mkdtempSync(join(tmpdir(), 'listhost-icinga2-load-'));
after(() => rmSync(work, { recursive: true, force: true }));

const HOSTS: HostModel[] = [exampleHostModel('lists1001.example.org'), exampleHostModel('lists2001.example.org', 'dc2', 'B')];
const MASTER_ZONE = 'object Endpoint "master" { }\nobject Zone "master" { endpoints = [ "master" ] }\n';

let counter = 0;
/** Renders, writes and validates; returns the instance and the validation result. */
function load(hosts: readonly HostModel[], options: Icinga2Options = {}, edit: (files: Record<string, string>) => void = () => {}) {
  const instance = new IcingaInstance(join(work, `i${counter++}`), { ZoneName: 'master' });
  const files = renderIcinga2(hosts, options);
  edit(files);
  instance.write(files, MASTER_ZONE);
  return { instance, result: instance.validate() };
}

/** `$$` in a custom variable is a literal `$` once Icinga resolves the macro. */
const unmacro = (s: string) => s.replace(/\$\$/g, '$');

describe('icinga2 daemon -C on the rendered configuration', () => {
  it('loads the two example hosts (agents under the master zone)', () => {
    const { result } = load(HOSTS);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /Instantiated 62 Services/);
  });

  it('fails on a deliberately broken configuration (the check can fail)', () => {
    const { result } = load(HOSTS, {}, (files) => {
      files['services.conf'] = files['services.conf'].replace('check_command = "disk"', 'check_command = "no-such-command"');
    });
    assert.notEqual(result.status, 0);
    assert.match(result.stdout + result.stderr, /no-such-command/);
  });

  it('fails without the parent zone the agents hang under', () => {
    const instance = new IcingaInstance(join(work, `i${counter++}`), { ZoneName: 'master' });
    instance.write(renderIcinga2(HOSTS), '');
    assert.notEqual(instance.validate().status, 0);
  });

  it('loads without agents, with an explicit parent zone, and with custom user groups', () => {
    for (const options of [{ agentParentZone: null }, { agentParentZone: 'master' }, { pagerUserGroup: 'sre-pager', ticketUserGroup: 'sre-pager' }]) {
      const { result } = load(HOSTS, options);
      assert.equal(result.status, 0, `${JSON.stringify(options)}\n${result.stdout}${result.stderr}`);
    }
  });
});

describe('objects icinga2 instantiated for the example hosts', () => {
  let objects: IcingaObject[];
  const of = (type: string) => objects.filter((o) => o.type === type);
  const services = (fqdn: string, prefix: string) =>
    of('Service').filter((s) => s.properties.host_name === fqdn && s.properties.name.startsWith(prefix));

  before(() => {
    const { instance, result } = load(HOSTS);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    objects = instance.objects();
  });

  it('one Host per host with address, location and platform', () => {
    assert.deepEqual(of('Host').map((h) => h.name).sort(), ['lists1001.example.org', 'lists2001.example.org']);
    for (const model of HOSTS) {
      const host = of('Host').find((h) => h.name === model.fqdn)!;
      assert.equal(host.properties.address, model.fqdn);
      assert.deepEqual(host.properties.vars.location, { site: model.location.site, row: model.location.row, rack: null });
      assert.deepEqual(host.properties.vars.platform, { os: 'debian', release: '12', agent: { name: 'puppet', version: '7' } });
      assert.equal(host.properties.zone, 'master');
    }
  });

  it('each host is an agent zone under the master and its local checks run there', () => {
    for (const model of HOSTS) {
      const zone = of('Zone').find((z) => z.name === model.fqdn)!;
      assert.equal(zone.properties.parent, 'master');
      assert.deepEqual(zone.properties.endpoints, [model.fqdn]);
      for (const s of of('Service').filter((s) => s.properties.host_name === model.fqdn)) {
        assert.equal(s.properties.command_endpoint, s.properties.name === 'web' ? '' : model.fqdn, s.name);
      }
    }
  });

  it('one procs service per process group (13 runners + master) with its exact range, rest = 3:3', () => {
    for (const model of HOSTS) {
      const procs = services(model.fqdn, 'procs-');
      assert.equal(procs.length, 14);
      for (const group of model.service.processGroups) {
        const s = procs.find((p) => p.properties.name === `procs-${group.groupname}`);
        assert.ok(s, group.groupname);
        const v = s.properties.vars;
        assert.equal(s.properties.check_command, 'procs');
        const range = `${group.expectedProcesses}:${group.expectedProcesses}`;
        assert.equal(v.procs_critical, range);
        assert.equal(v.procs_warning, range);
        assert.equal(unmacro(v.procs_argument_regex), group.pgrepPattern);
        assert.equal(v.procs_user, 'list');
      }
      assert.equal(procs.find((p) => p.properties.name === 'procs-mailman-runner-rest')!.properties.vars.procs_critical, '3:3');
      assert.equal(procs.find((p) => p.properties.name === 'procs-mailman-runner-out')!.properties.vars.procs_critical, '1:1');
      // No total-count check: every procs service filters by its group's regex.
      const all = of('Service').filter((s) => s.properties.check_command === 'procs' && s.properties.host_name === model.fqdn);
      assert.equal(all.length, 14);
      assert.ok(all.every((s) => typeof s.properties.vars.procs_argument_regex === 'string' && s.properties.vars.procs_argument_regex !== ''));
    }
  });

  it('the master pattern keeps its $ through macro escaping', () => {
    const pattern = HOSTS[0].service.processGroups.find((g) => g.groupname === 'mailman-master')!.pgrepPattern;
    assert.ok(pattern.includes('$'), `the fixture's master pattern ${pattern} should end in ( |$)`);
    const master = services('lists1001.example.org', 'procs-mailman-master')[0];
    assert.equal(master.properties.vars.procs_argument_regex, pattern.replace(/\$/g, '$$$$'));
  });

  it('one disk service per volume with space and inode thresholds', () => {
    for (const model of HOSTS) {
      const disks = services(model.fqdn, 'disk-');
      assert.equal(disks.length, model.volumes.length);
      for (const volume of model.volumes) {
        const v = disks.find((d) => d.properties.name === `disk-${volume.name}`)!.properties.vars;
        assert.deepEqual(v.disk_partitions, [volume.mountpoint]);
        assert.equal(v.disk_wfree, '20%');
        assert.equal(v.disk_cfree, '5%');
        assert.equal(v.disk_inode_wfree, '20%');
        assert.equal(v.disk_inode_cfree, '5%');
        assert.equal(v.disk_exact_match, true);
        assert.deepEqual(v.disk_exclude_type, []);
      }
    }
  });

  it('one queue service per queue with its thresholds', () => {
    for (const model of HOSTS) {
      const queues = services(model.fqdn, 'queue-');
      assert.equal(queues.length, 12);
      for (const queue of model.service.queues) {
        const s = queues.find((q) => q.properties.name === `queue-${queue.name}`)!;
        const v = s.properties.vars;
        assert.equal(s.properties.check_command, 'listhost-queue');
        assert.equal(v.listhost_queue_directory, queue.directory);
        assert.equal(v.listhost_queue_age_warning, queue.ageWarningSeconds);
        assert.equal(v.listhost_queue_age_critical, queue.ageCriticalSeconds);
        assert.equal(v.listhost_queue_count_warning, queue.ticketWhenNonEmpty ? 0 : queue.messagesWarning);
        assert.equal(unmacro(v.listhost_queue_pattern), model.service.queueFilePattern ?? '');
        assert.equal(v.listhost_queue_glob, model.service.queueFileGlob);
        assert.equal(v.listhost_queue_max_depth, model.service.queueFileMaxDepth);
      }
    }
    const command = of('CheckCommand').find((c) => c.name === 'listhost-queue')!;
    assert.deepEqual(command.properties.command, ['/usr/lib/nagios/plugins/check_listhost_queue']);
  });

  it('the web check retries and detects flapping; the database check is TCP to host:port', () => {
    const web = services('lists1001.example.org', 'web')[0].properties;
    assert.equal(web.check_command, 'http');
    assert.ok(web.max_check_attempts >= 3, String(web.max_check_attempts));
    assert.ok(web.retry_interval > 0);
    assert.equal(web.enable_flapping, true);
    assert.ok(web.flapping_threshold_low < web.flapping_threshold_high);
    assert.equal(web.vars.http_vhost, 'lists1001.example.org');
    assert.equal(web.vars.http_uri, '/postorius/lists/');
    assert.equal(web.vars.http_ssl, true);
    assert.equal(web.vars.http_port, 443);
    const db = services('lists1001.example.org', 'database-tcp')[0].properties;
    assert.equal(db.check_command, 'tcp');
    assert.equal(db.vars.tcp_address, 'db1001.example.org');
    assert.equal(db.vars.tcp_port, 3306);
    // Only the web check may flap quietly.
    assert.ok(of('Service').filter((s) => s.properties.enable_flapping).every((s) => s.properties.name === 'web'));
  });

  it('critical runners and the age of paging queues page; everything else opens a ticket', () => {
    const notified = (service: string) =>
      of('Notification')
        .filter((n) => n.properties.host_name === 'lists1001.example.org' && n.properties.service_name === service)
        .map((n) => ({ groups: n.properties.user_groups, states: [...n.properties.states].sort() }))
        .sort((a, b) => a.groups[0].localeCompare(b.groups[0]));
    for (const runner of ['procs-mailman-runner-out', 'procs-mailman-master']) {
      assert.deepEqual(notified(runner), [{ groups: ['oncall'], states: ['Critical', 'OK', 'Unknown', 'Warning'] }]);
    }
    for (const queue of ['queue-out', 'queue-retry']) {
      assert.deepEqual(notified(queue), [
        { groups: ['oncall'], states: ['Critical', 'OK'] },
        { groups: ['tickets'], states: ['OK', 'Unknown', 'Warning'] },
      ]);
    }
    for (const other of ['queue-in', 'queue-shunt', 'disk-root', 'disk-restore', 'web', 'database-tcp']) {
      assert.deepEqual(notified(other), [{ groups: ['tickets'], states: ['Critical', 'OK', 'Unknown', 'Warning'] }], other);
    }
    const hostDown = of('Notification').filter((n) => n.properties.host_name === 'lists1001.example.org' && n.properties.service_name === '');
    assert.deepEqual(hostDown.map((n) => n.properties.user_groups), [['oncall']]);
    assert.deepEqual(of('UserGroup').map((g) => g.name).sort(), ['oncall', 'tickets']);
  });

  it('host groups per site and row hold the hosts standing there', () => {
    const groups = Object.fromEntries(of('HostGroup').map((g) => [g.name, g]));
    assert.deepEqual(Object.keys(groups).sort(), ['listhost-row-dc1-A', 'listhost-row-dc2-B', 'listhost-site-dc1', 'listhost-site-dc2']);
    const host = (fqdn: string) => of('Host').find((h) => h.name === fqdn)!.properties.groups;
    assert.deepEqual(host('lists1001.example.org').sort(), ['listhost-row-dc1-A', 'listhost-site-dc1']);
    assert.deepEqual(host('lists2001.example.org').sort(), ['listhost-row-dc2-B', 'listhost-site-dc2']);
  });

  it('a host without a queue file pattern passes an empty one (the plugin then ages by mtime), and no web or database check without them', () => {
    const base = HOSTS[0];
    const bare: HostModel = { ...base, webUrl: null, database: null, service: { ...base.service, queueFilePattern: null } };
    const { instance, result } = load([bare]);
    assert.equal(result.status, 0, result.stdout);
    const loaded = instance.objects().filter((o) => o.type === 'Service');
    const out = loaded.find((s) => s.properties.name === 'queue-out')!;
    assert.equal(out.properties.vars.listhost_queue_pattern, '');
    assert.equal(out.properties.vars.listhost_queue_glob, base.service.queueFileGlob);
    assert.deepEqual(loaded.filter((s) => ['web', 'database-tcp'].includes(s.properties.name)), []);
    assert.equal(loaded.length, 3 + 14 + 12);
  });

  it('custom user groups replace the defaults', () => {
    const { instance, result } = load(HOSTS, { pagerUserGroup: 'sre-pager', ticketUserGroup: 'sre-queue' });
    assert.equal(result.status, 0, result.stdout);
    const groups = instance.objects().filter((o) => o.type === 'UserGroup').map((g) => g.name).sort();
    assert.deepEqual(groups, ['sre-pager', 'sre-queue']);
  });
});

describe('service templates', () => {
  /** lists2001 with one more REST worker: the same service, another model. */
  function withRestProcesses(model: HostModel, processes: number): HostModel {
    const processGroups = model.service.processGroups.map((g) => (g.groupname === 'mailman-runner-rest' ? { ...g, expectedProcesses: processes } : g));
    return { ...model, service: { ...model.service, processGroups } };
  }

  it('one template per distinct service model, each host importing its own, as icinga2 instantiates them', () => {
    const hosts = [...HOSTS, exampleHostModel('lists1002.example.org'), withRestProcesses(exampleHostModel('lists2002.example.org', 'dc2', 'B'), 4)];
    const files = renderIcinga2(hosts);
    const templates = [...files['hosts.conf'].matchAll(/^template Host "([^"]+)"/gm)].map((m) => m[1]);
    assert.deepEqual(templates, ['listhost-host-mailman3-3.3.8', 'listhost-host-mailman3-3.3.8-2']);
    const imports = (fqdn: string) => new RegExp(`object Host "${fqdn.replace(/\./g, '\\.')}" \\{\n  import "listhost-host"\n  import "([^"]+)"`).exec(files['hosts.conf'])?.[1];
    assert.deepEqual(hosts.map((h) => imports(h.fqdn)), ['listhost-host-mailman3-3.3.8', 'listhost-host-mailman3-3.3.8', 'listhost-host-mailman3-3.3.8', 'listhost-host-mailman3-3.3.8-2']);
    assert.equal([...files['hosts.conf'].matchAll(/"mailman-runner-out" = \{/g)].length, 2, 'process groups written once per template, not per host');

    const instance = new IcingaInstance(join(work, `i${counter++}`), { ZoneName: 'master' });
    instance.write(files, MASTER_ZONE);
    const result = instance.validate();
    assert.equal(result.status, 0, result.stdout + result.stderr);
    const rest = (fqdn: string) =>
      instance.objects().find((o) => o.type === 'Service' && o.properties.host_name === fqdn && o.properties.name === 'procs-mailman-runner-rest')?.properties.vars.procs_critical;
    assert.deepEqual(hosts.map((h) => rest(h.fqdn)), ['3:3', '3:3', '3:3', '4:4']);
  });
});

describe('rendering is deterministic', () => {
  it('same bytes for the same hosts in any order', () => {
    const a = renderIcinga2(HOSTS);
    const b = renderIcinga2([...HOSTS].reverse());
    assert.deepEqual(a, b);
    assert.deepEqual(Object.keys(a), ['commands.conf', 'templates.conf', 'agents.conf', 'hosts.conf', 'hostgroups.conf', 'services.conf', 'notifications.conf']);
  });

  it('rejects a host declared twice', () => {
    assert.throws(() => renderIcinga2([HOSTS[0], HOSTS[0]]), /declared twice/);
  });
});
