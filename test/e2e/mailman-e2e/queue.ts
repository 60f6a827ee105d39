/**
 * Scenario 2 of mailman-e2e.test.ts, queue: a post while SMTP is refused
 * waits in retry; the queue plugin, the collector and Prometheus see it,
 * ageing. Creates the list the later scenarios post to.
 */
import { it } from 'node:test';
import * as assert from 'node:assert/strict';
import { valueOf } from '../harness/exporters';
import { runCheck } from '../harness/icinga';
import { E2E_FQDN as FQDN } from '../harness/host-model';
import { waitFor } from '../harness/proc';
import { pluginQueue } from '../harness/monitoring-readings';
import type { MonitoredMailman } from '../harness/monitored-mailman';

/** The list the queue scenario creates, and its member; the kill-out scenario posts to it again. */
export const LIST = 'e2e@example.org';
export const MEMBER = 'sender@example.com';

/** Registers the queue scenario; it runs after the healthy ones (it needs the checks icinga2 ran). */
export function queueScenario(fx: MonitoredMailman): void {
  // ---- 2. queue ----------------------------------------------------------------

  it('queue: a post while SMTP is refused waits in retry; the queue plugin and the collector both see it, ageing', async () => {
    const m = fx.mm;
    await m.createList(LIST, { members: [MEMBER] });
    await m.inject(LIST, { from: MEMBER, subject: 'e2e: SMTP refused' });
    const inFlight = ['in', 'pipeline', 'out', 'virgin'];
    await waitFor(
      () => m.queueFiles('retry').length > 0 && inFlight.every((q) => m.queueFiles(q).length === 0),
      { timeoutMs: 30_000, what: 'the post to reach retry' },
      () => JSON.stringify(Object.fromEntries(m.queueNames().map((q) => [q, m.queueFiles(q)]))),
    );
    const files = m.queueFiles('retry').filter((f) => f.endsWith('.pck'));
    const measure = async () => {
      const p = await runCheck(fx.check('queue-retry'));
      assert.equal(p.code, 0, `a young message is OK: ${p.stdout}`);
      const c = await fx.runCollector();
      return {
        plugin: pluginQueue(p.stdout),
        collector: {
          messages: valueOf(c, 'mailman_queue_messages', { queue: 'retry' })!,
          age: valueOf(c, 'mailman_queue_oldest_message_age_seconds', { queue: 'retry' })!,
        },
        stdout: p.stdout.trim(),
      };
    };
    // the age is whole seconds from the enqueue time in the file name: poll (bounded) until both are > 0
    const first = await waitFor(
      async () => {
        const x = await measure();
        return x.plugin.age > 0 && x.collector.age > 0 ? x : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 250, what: 'a queue age above 0' },
    );
    assert.equal(first.plugin.messages, files.length, first.stdout);
    assert.equal(first.collector.messages, files.length);
    assert.match(first.stdout, new RegExp(`^QUEUE OK - retry: ${files.length} messages, oldest \\d+s`));
    const second = await waitFor(
      async () => {
        const x = await measure();
        return x.plugin.age > first.plugin.age && x.collector.age > first.collector.age ? x : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 250, what: 'the queue age to grow' },
    );
    assert.ok(second.plugin.age > first.plugin.age && second.collector.age > first.collector.age);
    assert.equal(second.plugin.messages, first.plugin.messages, 'the message is still waiting');
    // plugin and collector age it the same way (same second or the next)
    assert.ok(Math.abs(second.plugin.age - second.collector.age) <= 2, JSON.stringify(second));

    // node_exporter serves it and Prometheus has it under the host's fqdn (the collector runs again: its
    // file is what the next scrape reads)
    const seen = await waitFor(
      async () => {
        await fx.runCollector();
        const n = await fx.prom.query(`mailman_queue_messages{instance="${FQDN}",job="node",queue="retry"}`);
        const a = await fx.prom.query(`mailman_queue_oldest_message_age_seconds{instance="${FQDN}",job="node",queue="retry"}`);
        return n.length === 1 && Number(n[0].value[1]) === files.length && a.length === 1 && Number(a[0].value[1]) > 0 ? { n, a } : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 250, what: 'Prometheus to see the retry message with its age' },
      async () => JSON.stringify(await fx.prom.query(`{__name__=~"mailman_queue_.+",instance="${FQDN}",queue="retry"}`)),
    );
    assert.equal(seen.n[0].metric.instance, FQDN);
  });
}
