/**
 * End-to-end: the library's generated monitoring against a real Mailman
 * 3.3.8 (Debian's mailman3, started by hand as user `list`), real
 * process-exporter and node_exporter with the configs provisioning installs,
 * the real queue collector and self-heal scripts, the real monitoring
 * plugins run with the argv a real icinga2 daemon built from the rendered
 * configuration, and a real Prometheus evaluating the rules.yml the mixin
 * produces.
 *
 * One Mailman per file (harness/monitored-mailman.ts sets it up and tears it
 * down), shared by the scenarios in mailman-e2e/, registered in this order:
 *   1. healthy        every check exits 0; Prometheus raises nothing;
 *   2. queue          posts while SMTP is refused wait in retry: the queue
 *                     plugin and the textfile collector see them, ageing;
 *   3. kill out       SIGKILL of the out runner (it stays a zombie: the master
 *                     does not reap it until signalled, FACTS.md): its
 *                     check_procs goes CRITICAL, the others stay OK, the
 *                     runner alert goes pending live and fires in promtool;
 *   4. self-heal      the rendered script restarts this Mailman once, the out
 *                     runner is back, the restart is counted; a second run
 *                     within the interval does not restart.
 *
 * Which rules are exercised for real, and how:
 * - Live Prometheus (1 s scrape and evaluation): every rule is evaluated on
 *   the real series; with nothing wrong nothing is pending or firing (any
 *   rule, any severity). A rule with `for:` only reaches `pending` within the
 *   test: MailmanRunnerDown (`for: 2m`) is asserted pending for the killed out
 *   runner; MailmanSelfHealRestarted (no `for`) is asserted firing after the
 *   restart.
 * - `promtool test rules` on the series Prometheus scraped at that moment,
 *   held constant (the state the host would stay in; the zombie does stay
 *   until the master is signalled): healthy, nothing pending or firing after
 *   65 minutes (covers the `for: 1h` rules); killed, exactly
 *   MailmanRunnerDown{groupname="mailman-runner-out"} firing after 5 minutes.
 * - Not exercised for real here: MailmanQueueStalled / QueueOldMessages /
 *   QueueLarge (they need messages older than 900 s or over 1000 messages;
 *   covered by test/mixin replays), MailmanQueueCollectorStale/Missing
 *   (need 10 minutes without a collector run), MailmanMasterDown firing
 *   (killing the master would take every runner down with it; it stays silent
 *   on the collector's pgrep count of the live master, as process-exporter
 *   has no master group), the blackbox rules (no web
 *   front end or database server in this test), and the filesystem rules on
 *   these tmpfs volumes (the default fsSelector excludes tmpfs; the inode
 *   rules run for real in inodes-e2e.test.ts).
 */
import { after, before, describe } from 'node:test';
import { MonitoredMailman } from './harness/monitored-mailman';
import { healthyScenarios } from './mailman-e2e/healthy';
import { queueScenario } from './mailman-e2e/queue';
import { killOutScenario } from './mailman-e2e/kill-out';
import { selfHealScenario } from './mailman-e2e/self-heal';

describe('generated monitoring against a real Mailman 3.3.8', () => {
  const fx = new MonitoredMailman();
  before(() => fx.start());
  after(() => fx.stop());

  // in this order: each scenario starts from the state the one before left
  healthyScenarios(fx);
  queueScenario(fx);
  killOutScenario(fx);
  selfHealScenario(fx);
});
