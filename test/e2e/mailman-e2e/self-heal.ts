/**
 * Scenario 4 of mailman-e2e.test.ts, self-heal: with the out runner killed,
 * the rendered script restarts this Mailman once, out is back and the
 * restart is counted; a second run within the interval does not restart.
 */
import { it } from 'node:test';
import * as assert from 'node:assert/strict';
import { scrape, valueOf } from '../harness/exporters';
import { runCheck } from '../harness/icinga';
import { isAlive, procRef, waitFor } from '../harness/proc';
import { describeAlerts, groupCounts } from '../harness/monitoring-readings';
import type { MonitoredMailman } from '../harness/monitored-mailman';

/** Registers the self-heal scenario; it runs last, after the kill-out scenario left the out runner dead. */
export function selfHealScenario(fx: MonitoredMailman): void {
  // ---- 4. self-heal ---------------------------------------------------------------

  it('self-heal: the rendered script restarts this Mailman once, out is back, the restart is counted; no second restart within the interval', async () => {
    const m = fx.mm;
    const masterBefore = m.masterPid;
    const r = await fx.runSelfHeal();
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /short process groups: mailman-runner-out\(0\/1\); restarting/);
    assert.equal(valueOf(r.metrics, 'mailman_selfheal_restarts_total'), 1);
    assert.equal(valueOf(r.metrics, 'mailman_selfheal_short_groups'), 1);
    const lastRestart = valueOf(r.metrics, 'mailman_selfheal_last_restart_timestamp_seconds')!;
    assert.ok(Math.abs(lastRestart - Date.now() / 1000) < 300, `last restart ${lastRestart}`);

    // the harness adopts the new master from master.pid and records its runners (teardown kills them by PID)
    await m.waitReady(60_000);
    assert.notEqual(m.masterPid, masterBefore, 'a new master');
    const pids = await m.runnerPids();
    for (const [runner, n] of m.expectedProcesses) assert.equal(pids.get(runner)?.length, n, runner);

    const procs = await fx.procsChecks();
    assert.deepEqual([...procs].filter(([, x]) => x.code !== 0), [], 'every check_procs OK again');
    await waitFor(
      async () => {
        const c = groupCounts(await scrape(fx.pe.url)).get('mailman-runner-out');
        return c?.numProcs === 1 && c.zombies === 0;
      },
      { timeoutMs: 15_000, what: 'process-exporter to count the out runner again' },
      async () => JSON.stringify(groupCounts(await scrape(fx.pe.url)).get('mailman-runner-out')),
    );
    // the revived out runner works off the post that waited in out (delivery fails again: on to retry)
    await waitFor(() => m.queueFiles('out').length === 0, { timeoutMs: 30_000, what: 'the out queue to drain' });

    // Prometheus: the runner alert is gone, the restart raises MailmanSelfHealRestarted (warning, no `for`)
    await waitFor(
      async () => {
        const down = await fx.alertsFor('alertname="MailmanRunnerDown",groupname="mailman-runner-out"');
        const healed = await fx.alertsFor('alertname="MailmanSelfHealRestarted",alertstate="firing"');
        return down.length === 0 && healed.length === 1 && healed[0].metric.severity === 'warning';
      },
      { timeoutMs: 30_000, intervalMs: 250, what: 'RunnerDown to resolve and SelfHealRestarted to fire' },
      async () => describeAlerts(await fx.alertsFor()),
    );

    // a runner dying again within minIntervalSeconds: self-heal waits instead of restarting in a loop
    const masterAfter = procRef(m.masterPid)!;
    await m.killRunner('out', { signal: 'SIGKILL' });
    const again = await fx.runSelfHeal();
    assert.equal(again.code, 0, again.output);
    assert.match(again.output, new RegExp(`waiting for ${fx.host.selfHeal.minIntervalSeconds} s between restarts`));
    assert.equal(valueOf(again.metrics, 'mailman_selfheal_restarts_total'), 1, 'no second restart');
    assert.equal(valueOf(again.metrics, 'mailman_selfheal_short_groups'), 1);
    assert.equal(isAlive(masterAfter), true, 'the master was not restarted');
    assert.equal(fx.masterPidFile(), masterAfter.pid);
    assert.equal((await m.runnerPids()).get('out'), undefined, 'out stays down until the interval has passed');
    assert.equal((await runCheck(fx.check('procs-mailman-runner-out'))).code, 2);
  });
}
