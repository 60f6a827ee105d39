/**
 * Scenario 1 of mailman-e2e.test.ts, healthy: the host model matches the
 * running Mailman; process-exporter, every check icinga2 runs (as root and
 * as Debian's Icinga user), the queue collector and self-heal find nothing
 * wrong; Prometheus raises nothing, live and held 65 minutes in promtool.
 * Records the argvs icinga2 ran in `fx.checks` for the later scenarios.
 */
import { it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { renderIcinga2 } from '../../../lib/render/icinga2';
import { QUEUE_PLUGIN_NAME } from '../../../lib/render/icinga2/names';
import { APPLY_SCRIPT, renderRootfs } from '../../../lib/render/rootfs';
import { rootfsContributors } from '../../../lib/render/contributors';
import { DEBIAN_PATH, MAILMAN_DEFAULT_RUNNERS } from '../harness/mailman';
import { scrape, select, valueOf } from '../harness/exporters';
import { promtoolTestRules } from '../harness/prometheus';
import { rebaseCommand, runCheck, runIcingaOnce } from '../harness/icinga';
import { E2E_FQDN as FQDN } from '../harness/host-model';
import { isAlive, procRef, readCmdline, run, terminate, waitFor } from '../harness/proc';
import { arg, describeAlerts, groupCounts } from '../harness/monitoring-readings';
import type { MonitoredMailman } from '../harness/monitored-mailman';

/** The user Debian's icinga2 runs its checks as (ICINGA2_USER in /etc/default/icinga2). */
const ICINGA_USER = 'nagios';

/** Registers the healthy scenarios; they run first, on the freshly started Mailman. */
export function healthyScenarios(fx: MonitoredMailman): void {
  // ---- 1. healthy ------------------------------------------------------------

  it('the model built by the constructs matches the running instance', async () => {
    const groups = new Map(fx.host.service.processGroups.map((g) => [g.groupname, g]));
    assert.deepEqual(
      [...groups.keys()].sort(),
      [...MAILMAN_DEFAULT_RUNNERS.map((r) => `mailman-runner-${r}`), 'mailman-master'].sort(),
    );
    for (const [runner, n] of fx.mm.expectedProcesses) assert.equal(groups.get(`mailman-runner-${runner}`)!.expectedProcesses, n, runner);
    assert.equal(groups.get('mailman-runner-rest')!.expectedProcesses, 3);
    assert.equal(groups.get('mailman-master')!.expectedProcesses, 1);
    for (const g of groups.values()) assert.equal(g.user, 'list');
    assert.deepEqual(fx.host.service.queues.map((q) => q.name).sort(), fx.mm.queueNames());
    for (const q of fx.host.service.queues) assert.equal(q.directory, path.join(fx.mm.queueDir, q.name));
    assert.equal(fx.host.service.configFile, fx.mm.configFile);
  });

  it('healthy: process-exporter with the rendered config counts every group exactly (rest 3, others 1)', async () => {
    const expected = fx.exporterGroups();
    for (const g of fx.host.service.processGroups) {
      if (g.role !== 'master') assert.ok(expected.has(g.groupname), `runner group ${g.groupname} is in the process-exporter config`);
    }
    const got = await waitFor(
      async () => {
        const c = groupCounts(await scrape(fx.pe.url));
        return [...expected].every(([g, n]) => c.get(g)?.numProcs === n) ? c : undefined;
      },
      { timeoutMs: 20_000, what: 'process-exporter to count every group' },
      async () => JSON.stringify([...groupCounts(await scrape(fx.pe.url))]),
    );
    assert.deepEqual([...got.keys()].sort(), [...expected.keys()].sort(), 'one series per group, no other group');
    for (const [g, n] of expected) assert.deepEqual(got.get(g), { numProcs: n, zombies: 0 }, g);
    assert.equal(got.get('mailman-runner-rest')!.numProcs, 3);
  });

  it('process-exporter: a runner first seen between fork and exec (still the master command line) is counted in its runner group', async () => {
    // The master forks each runner and the child execs the runner script: until the exec, the child has
    // the master's command line. process-exporter names a process once, when it first sees it, so a scrape
    // in that window decides the runner's group for its whole life. Reproduced deterministically with a
    // stand-in whose command line first is the master's and then a runner's (perl's $0 rewrites
    // /proc/PID/cmdline in place: same PID, same start time, like an exec).
    const master = `/usr/bin/python3 /usr/lib/mailman3/bin/master --force -C ${fx.mm.configFile}`;
    const runner = `/usr/bin/python3 /usr/lib/mailman3/bin/runner -C ${fx.mm.configFile} --runner=out:0:1`;
    const decoy = spawn('/usr/bin/perl', ['-e', '$0 = shift; <STDIN>; $0 = shift; <STDIN>;', master, runner, 'x'.repeat(400)], {
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    const ref = await waitFor(() => (decoy.pid === undefined ? undefined : procRef(decoy.pid)), { timeoutMs: 5_000, what: 'the stand-in' });
    fx.started.push(ref);
    try {
      await waitFor(() => readCmdline(ref.pid)?.join(' ') === master, { timeoutMs: 5_000, what: 'the stand-in to look like the master' });
      await scrape(fx.pe.url); // process-exporter sees it now, between "fork" and "exec"
      decoy.stdin!.write('exec\n');
      await waitFor(() => readCmdline(ref.pid)?.join(' ') === runner, { timeoutMs: 5_000, what: 'the stand-in to look like the out runner' });
      const expectedOut = fx.host.service.processGroups.find((g) => g.groupname === 'mailman-runner-out')!.expectedProcesses + 1;
      await waitFor(
        async () => groupCounts(await scrape(fx.pe.url)).get('mailman-runner-out')?.numProcs === expectedOut,
        { timeoutMs: 5_000, what: `process-exporter to count the stand-in in mailman-runner-out (${expectedOut})` },
        async () =>
          `groups: ${JSON.stringify(Object.fromEntries([...groupCounts(await scrape(fx.pe.url))].map(([g, c]) => [g, c.numProcs])))}; ` +
          'a process named while it still had the master command line stays in the master group (process-exporter matches once; -recheck only re-matches unmatched processes)',
      );
    } finally {
      decoy.stdin!.end();
      const left = await terminate([ref], { graceMs: 5_000 });
      assert.deepEqual(left, []);
    }
    // back to the real processes only
    await waitFor(
      async () => {
        const c = groupCounts(await scrape(fx.pe.url));
        return [...fx.exporterGroups()].every(([g, n]) => c.get(g)?.numProcs === n);
      },
      { timeoutMs: 15_000, what: 'process-exporter to forget the stand-in' },
    );
  });

  it('healthy: every check icinga2 runs from the rendered configuration exits 0', async () => {
    const files = renderIcinga2([fx.host], { agentParentZone: null });
    const expectedServices = [
      ...fx.host.volumes.map((v) => `disk-${v.name}`),
      ...fx.host.service.processGroups.map((g) => `procs-${g.groupname}`),
      ...fx.host.service.queues.map((q) => `queue-${q.name}`),
    ].sort();
    const icinga = await runIcingaOnce({
      files,
      plugins: { [QUEUE_PLUGIN_NAME]: fs.readFileSync(fx.scripts.queuePlugin, 'utf8') },
      hostName: FQDN,
      expectedServices: expectedServices.length,
    });
    const icingaResults = icinga.results;
    assert.deepEqual([...icingaResults.keys()].sort(), expectedServices, 'one service per volume, process group and queue');
    for (const [name, r] of icingaResults) fx.checks.set(name, rebaseCommand(r.command, icinga.pluginDir, { [QUEUE_PLUGIN_NAME]: fx.scripts.queuePlugin }));
    const failed = [...icingaResults].filter(([, r]) => r.exit_status !== 0).map(([n, r]) => `${n}: ${r.exit_status} ${r.output}`);
    assert.deepEqual(failed, [], 'every check OK');

    // what they ran: one exact-count check_procs per group as user list, the queue plugin per queue
    for (const g of fx.host.service.processGroups) {
      const argv = fx.check(`procs-${g.groupname}`);
      assert.equal(path.basename(argv[0]), 'check_procs');
      assert.equal(arg(argv, '--ereg-argument-array'), g.pgrepPattern);
      assert.equal(arg(argv, '-u'), 'list');
      assert.equal(arg(argv, '-c'), `${g.expectedProcesses}:${g.expectedProcesses}`);
      assert.match(icingaResults.get(`procs-${g.groupname}`)!.output, new RegExp(`^PROCS OK: ${g.expectedProcesses} process`));
    }
    for (const q of fx.host.service.queues) {
      const argv = fx.check(`queue-${q.name}`);
      assert.equal(argv[0], fx.scripts.queuePlugin);
      assert.equal(arg(argv, '-d'), q.directory);
      assert.match(icingaResults.get(`queue-${q.name}`)!.output, new RegExp(`^QUEUE OK - ${q.name}: 0 messages`));
    }
    for (const v of fx.host.volumes) {
      const argv = fx.check(`disk-${v.name}`);
      assert.equal(path.basename(argv[0]), 'check_disk');
      assert.equal(arg(argv, '-p'), v.mountpoint);
      assert.equal(arg(argv, '-K'), `${fx.host.filesystemThresholds.inodesFreeCriticalPercent}%`);
    }
    // the same argvs by hand give the same answer (later scenarios re-run them)
    const byHand = await fx.procsChecks();
    assert.deepEqual([...byHand].filter(([, r]) => r.code !== 0), []);
    const q = await runCheck(fx.check('queue-out'));
    assert.equal(q.code, 0, q.stdout);
  });

  it("healthy: the same checks run as the Icinga user of Debian's icinga2 (nagios), with the groups provisioning gives it, exit 0 too", async () => {
    // Debian's icinga2 (and an agent on the list host) runs its checks as user nagios, not root; Mailman
    // creates its queue directories 0770 list:list (Debian's /var/lib/mailman3/queue/* too). The
    // provisioned apply script adds nagios to the service users' groups (`usermod -a -G GROUP nagios`);
    // the test gives it those groups for the run instead of changing this machine's /etc/group.
    assert.ok(fs.readFileSync('/etc/passwd', 'utf8').split('\n').some((l) => l.startsWith(`${ICINGA_USER}:`)), `user ${ICINGA_USER} exists (the icinga2 package creates it)`);
    const apply = renderRootfs(fx.host, rootfsContributors).find((f) => f.path === APPLY_SCRIPT)!.content;
    const groups = [...apply.matchAll(new RegExp(`usermod -a -G '?([a-z_][a-z0-9_-]*)'? ${ICINGA_USER}\\b`, 'g'))].map((m) => m[1]);
    const supp = [ICINGA_USER, ...groups].flatMap((g) => ['-G', g]);
    const failed: string[] = [];
    for (const [name, argv] of fx.checks) {
      // the plugin copy lives in the test's work dir: readable and executable for everyone
      const r = await run('runuser', ['-u', ICINGA_USER, '-g', ICINGA_USER, ...supp, '--', ...argv], { env: { PATH: DEBIAN_PATH } });
      if (r.code !== 0) failed.push(`${name}: ${r.code} ${r.stdout.trim()}`);
    }
    assert.deepEqual(failed, [], `checks that fail as ${ICINGA_USER} (groups ${[ICINGA_USER, ...groups].join(', ')})`);
  });

  it('healthy: the queue collector reports every queue empty and the expected processes; node_exporter serves it', async () => {
    const s = await fx.runCollector();
    for (const q of fx.host.service.queues) {
      assert.equal(valueOf(s, 'mailman_queue_messages', { queue: q.name }), 0, q.name);
      assert.equal(valueOf(s, 'mailman_queue_oldest_message_age_seconds', { queue: q.name }), 0, q.name);
    }
    for (const g of fx.host.service.processGroups) {
      assert.equal(valueOf(s, 'mailman_runner_expected_processes', { groupname: g.groupname }), g.expectedProcesses, g.groupname);
      // the groups the collector counts itself (pgrep; the master): their live count, here complete
      assert.equal(valueOf(s, 'mailman_process_group_live_processes', { groupname: g.groupname }), g.countedBy === 'collector' ? g.expectedProcesses : undefined, g.groupname);
    }
    assert.equal(fx.host.service.processGroups.find((g) => g.role === 'master')?.countedBy, 'collector', 'the collector counts the master');
    const last = valueOf(s, 'mailman_queue_collector_last_success_timestamp_seconds');
    assert.ok(last !== undefined && Math.abs(last - Date.now() / 1000) < 300, `last success ${last}`);
    const scraped = await scrape(fx.ne.url);
    assert.equal(select(scraped, 'mailman_queue_messages').length, fx.host.service.queues.length);
    assert.equal(select(scraped, 'mailman_runner_expected_processes').length, fx.host.service.processGroups.length);
  });

  it('healthy: self-heal finds every group complete and restarts nothing', async () => {
    const master = procRef(fx.mm.masterPid)!;
    const r = await fx.runSelfHeal();
    assert.equal(r.code, 0, r.output);
    assert.equal(valueOf(r.metrics, 'mailman_selfheal_restarts_total'), 0);
    assert.equal(valueOf(r.metrics, 'mailman_selfheal_short_groups'), 0, r.output);
    assert.equal(isAlive(master), true, 'the master was not restarted');
    assert.equal(fx.masterPidFile(), master.pid);
  });

  it('healthy: Prometheus with the generated rules raises nothing for this host (live, and held 65 min in promtool)', async () => {
    const groups = fx.host.service.processGroups.length;
    const exporterCounted = fx.exporterGroups().size;
    const collectorCounted = fx.host.service.processGroups.filter((g) => g.countedBy === 'collector').length;
    assert.equal(exporterCounted + collectorCounted, groups, 'every group is counted by process-exporter or by the collector');
    await waitFor(
      async () => {
        const up = await fx.prom.query(`up{instance="${FQDN}"} == 1`);
        const procs = await fx.prom.query(`namedprocess_namegroup_num_procs{instance="${FQDN}",job="process"}`);
        const live = await fx.prom.query(`mailman_process_group_live_processes{instance="${FQDN}",job="node"}`);
        const expected = await fx.prom.query(`mailman_runner_expected_processes{instance="${FQDN}",job="node"}`);
        const selfheal = await fx.prom.query(`mailman_selfheal_restarts_total{instance="${FQDN}",job="node"}`);
        return (
          up.length === 2 && procs.length === exporterCounted && live.length === collectorCounted && expected.length === groups && selfheal.length === 1
        );
      },
      { timeoutMs: 30_000, intervalMs: 250, what: 'Prometheus to scrape both exporters with instance = the fqdn' },
      () => fx.prom.log().slice(-2000),
    );
    await fx.prom.waitForEvaluations(3);
    const alerts = await fx.alertsFor();
    assert.deepEqual(alerts, [], `alerts for a healthy host: ${describeAlerts(alerts)}`);

    // the same series held for 65 minutes: the rules with `for:` up to 1h stay silent too
    const series = await fx.currentSeries();
    assert.ok(series.length > groups * 2, `series for promtool: ${series.length}`);
    const t = await promtoolTestRules({
      rulesYaml: fx.rulesYaml,
      series,
      samples: 70,
      tests: [{ expr: 'ALERTS', eval_time: '65m', exp_samples: [] }],
    });
    assert.equal(t.code, 0, `promtool test rules (healthy, held):\n${t.stdout}${t.stderr}`);
  });
}
