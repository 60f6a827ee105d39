/**
 * Scenario 3 of mailman-e2e.test.ts, kill out: SIGKILL of the out runner (a
 * zombie the master does not reap, FACTS.md); its check_procs goes CRITICAL,
 * the others stay OK; MailmanRunnerDown goes pending live and fires in
 * promtool.
 */
import { it } from 'node:test';
import * as assert from 'node:assert/strict';
import { scrape } from '../harness/exporters';
import { promtoolTestRules } from '../harness/prometheus';
import { runCheck } from '../harness/icinga';
import { E2E_FQDN as FQDN } from '../harness/host-model';
import { readStat, waitFor } from '../harness/proc';
import { describeAlerts, groupCounts, pluginQueue } from '../harness/monitoring-readings';
import type { MonitoredMailman } from '../harness/monitored-mailman';
import { LIST, MEMBER } from './queue';

/** Registers the kill-out scenario; it runs after the queue scenario (it posts to the list that one creates). */
export function killOutScenario(fx: MonitoredMailman): void {
  // ---- 3. kill the out runner -------------------------------------------------

  it('kill out: its check_procs goes CRITICAL, the others stay OK; the zombie is not counted; MailmanRunnerDown pending, firing in promtool', async () => {
    const m = fx.mm;
    const master = m.masterPid;
    const [killed] = await m.killRunner('out', { signal: 'SIGKILL' });
    // the 2023 state: the master never restarts it, and (not signalled yet) does not even reap it
    const st = readStat(killed);
    assert.equal(st?.state, 'Z', 'a freshly started master leaves the SIGKILLed runner a zombie (FACTS.md)');
    assert.equal(st?.ppid, master);

    // a post now stays in out: nobody delivers it
    const outBefore = new Set(m.queueFiles('out'));
    await m.inject(LIST, { from: MEMBER, subject: 'e2e: while out is dead' });
    await waitFor(
      () => m.queueFiles('out').some((f) => !outBefore.has(f)) && ['in', 'pipeline'].every((q) => m.queueFiles(q).length === 0),
      { timeoutMs: 30_000, what: 'the post to wait in out' },
      () => JSON.stringify(Object.fromEntries(m.queueNames().map((q) => [q, m.queueFiles(q)]))),
    );
    const outCheck = await runCheck(fx.check('queue-out'));
    assert.equal(pluginQueue(outCheck.stdout).messages, m.queueFiles('out').filter((f) => f.endsWith('.pck')).length, outCheck.stdout);

    // Icinga: out CRITICAL, every other group OK
    const procs = await fx.procsChecks();
    assert.equal(procs.get('mailman-runner-out')!.code, 2, procs.get('mailman-runner-out')!.stdout);
    assert.match(procs.get('mailman-runner-out')!.stdout, /^PROCS CRITICAL: 0 processes/);
    const othersNotOk = [...procs].filter(([g, r]) => g !== 'mailman-runner-out' && r.code !== 0);
    assert.deepEqual(othersNotOk, [], 'the other groups stay OK');

    // process-exporter: the zombie is still in num_procs, the Zombie state tells it is dead
    const view = await waitFor(
      async () => {
        const c = groupCounts(await scrape(fx.pe.url)).get('mailman-runner-out');
        return c && c.numProcs - c.zombies === 0 ? c : undefined;
      },
      { timeoutMs: 15_000, what: 'process-exporter to report no live out runner' },
      async () => JSON.stringify(groupCounts(await scrape(fx.pe.url)).get('mailman-runner-out')),
    );
    assert.ok(view.zombies === 1 || view.numProcs === 0, JSON.stringify(view));

    // live Prometheus: the runner alert for out is pending (for: 2m) or firing; nothing else about processes
    const down = await waitFor(
      async () => {
        const a = await fx.alertsFor('alertname="MailmanRunnerDown",groupname="mailman-runner-out"');
        return a.length === 1 ? a[0] : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: 'MailmanRunnerDown for mailman-runner-out' },
      async () => `alerts: ${describeAlerts(await fx.alertsFor())}; out group: ${JSON.stringify(view)}`,
    );
    assert.ok(['pending', 'firing'].includes(down.metric.alertstate), down.metric.alertstate);
    assert.equal(down.metric.severity, 'critical');
    await fx.prom.waitForEvaluations(2);
    const processAlerts = await fx.alertsFor('alertname=~"MailmanRunnerDown|MailmanMasterDown"');
    assert.deepEqual(
      processAlerts.map((a) => `${a.metric.alertname}/${a.metric.groupname}`),
      ['MailmanRunnerDown/mailman-runner-out'],
      describeAlerts(processAlerts),
    );

    // promtool, on these very series held (the zombie stays until the master is signalled):
    // after the rule's `for`, exactly this one alert fires for the host
    const series = await fx.currentSeries();
    const t = await promtoolTestRules({
      rulesYaml: fx.rulesYaml,
      series,
      samples: 10,
      tests: [
        {
          expr: `count by (alertname, groupname, severity) (ALERTS{alertstate="firing",instance="${FQDN}"})`,
          eval_time: '5m',
          exp_samples: [{ labels: '{alertname="MailmanRunnerDown",groupname="mailman-runner-out",severity="critical"}', value: 1 }],
        },
      ],
    });
    assert.equal(t.code, 0, `promtool test rules (out runner killed, held):\n${t.stdout}${t.stderr}`);
  });
}
