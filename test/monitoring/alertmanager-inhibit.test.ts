/**
 * The inhibitions of alertmanager.yml in a real Alertmanager (Debian 12's
 * prometheus-alertmanager on a loopback port): alerts are posted through its
 * API, and its own view of which are suppressed, and by what, is checked.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { HOST_DOWN_ALERT, renderAlertmanager } from '../../lib/monitoring/alertmanager';
import { exampleHostModel } from '../fixtures/host-model';
import { waitFor } from '../e2e/harness/proc';
import { startAlertmanager, type Daemon } from './daemon';

interface ApiAlert {
  fingerprint: string;
  labels: Record<string, string>;
  status: { state: string; inhibitedBy: string[] };
}

const A = 'lists1001.example.org';
const B = 'lists2001.example.org';
const C = 'lists3001.example.org';
const D = 'lists4001.example.org';

/** Each alert, and the alert (by key) that must inhibit it, or null. */
const ALERTS: { key: string; labels: Record<string, string>; inhibitedBy: string | null }[] = [
  // A dead master explains the dead runners of its host only.
  { key: 'master-A', labels: { alertname: 'MailmanMasterDown', severity: 'critical', instance: A, groupname: 'mailman-master' }, inhibitedBy: null },
  { key: 'runner-A', labels: { alertname: 'MailmanRunnerDown', severity: 'critical', instance: A, groupname: 'mailman-runner-out' }, inhibitedBy: 'master-A' },
  { key: 'queue-A', labels: { alertname: 'MailmanQueueStalled', severity: 'critical', instance: A, queue: 'out' }, inhibitedBy: null },
  { key: 'runner-B', labels: { alertname: 'MailmanRunnerDown', severity: 'critical', instance: B, groupname: 'mailman-runner-out' }, inhibitedBy: null },
  // A host that is down explains every other alert on it, not on others.
  { key: 'hostdown-C', labels: { alertname: HOST_DOWN_ALERT, severity: 'critical', instance: C }, inhibitedBy: null },
  { key: 'queue-C', labels: { alertname: 'MailmanQueueStalled', severity: 'critical', instance: C, queue: 'out' }, inhibitedBy: 'hostdown-C' },
  { key: 'web-C', labels: { alertname: 'MailmanWebUnavailable', severity: 'critical', instance: C, probe: 'web', list_visible: 'true' }, inhibitedBy: 'hostdown-C' },
  { key: 'db-C', labels: { alertname: 'MailmanDatabaseUnreachable', severity: 'warning', instance: C, probe: 'database' }, inhibitedBy: 'hostdown-C' },
  { key: 'web-B', labels: { alertname: 'MailmanWebUnavailable', severity: 'critical', instance: B, probe: 'web' }, inhibitedBy: null },
  // Critical silences the warning of the same alert on the same filesystem only.
  { key: 'inodes-crit-D', labels: { alertname: 'FilesystemAlmostOutOfFiles', severity: 'critical', instance: D, mountpoint: '/' }, inhibitedBy: null },
  { key: 'inodes-warn-D', labels: { alertname: 'FilesystemAlmostOutOfFiles', severity: 'warning', instance: D, mountpoint: '/' }, inhibitedBy: 'inodes-crit-D' },
  { key: 'inodes-warn-D-data', labels: { alertname: 'FilesystemAlmostOutOfFiles', severity: 'warning', instance: D, mountpoint: '/srv/mailman3' }, inhibitedBy: null },
  { key: 'space-warn-D', labels: { alertname: 'FilesystemAlmostOutOfSpace', severity: 'warning', instance: D, mountpoint: '/' }, inhibitedBy: null },
];

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

describe('inhibitions in a real Alertmanager', () => {
  let am: Daemon;
  before(async () => {
    const config = renderAlertmanager(
      {
        // Receivers that cannot deliver (nothing listens there); delivery is not what is tested.
        pager: { name: 'oncall-pager', webhookUrl: 'http://127.0.0.1:9/pager' },
        tickets: { name: 'sre-tickets', webhookUrl: 'http://127.0.0.1:9/tickets' },
        listAdmins: { name: 'list-admins', webhookUrl: 'http://127.0.0.1:9/list-admins' },
      },
      [exampleHostModel()],
    );
    am = await startAlertmanager(config);
    const now = Date.now();
    const body = ALERTS.map((a) => ({
      labels: a.labels,
      annotations: { summary: a.key },
      startsAt: new Date(now - 60_000).toISOString(),
      endsAt: new Date(now + 3_600_000).toISOString(),
    }));
    const res = await fetch(`${am.url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(res.status, 200, await res.text());
  });
  after(async () => {
    await am?.stop();
  });

  it('suppresses exactly the alerts a bigger outage on the same host explains', async () => {
    let last: ApiAlert[] = [];
    const settled = (alerts: ApiAlert[]) => {
      const find = (key: string) => alerts.find((x) => sameLabels(x.labels, ALERTS.find((a) => a.key === key)!.labels));
      return ALERTS.every((a) => {
        const got = find(a.key);
        if (!got) return false;
        if (a.inhibitedBy === null) return got.status.state === 'active' && got.status.inhibitedBy.length === 0;
        const by = find(a.inhibitedBy);
        return got.status.state === 'suppressed' && by !== undefined && got.status.inhibitedBy.includes(by.fingerprint);
      });
    };
    await waitFor(
      async () => {
        const res = await fetch(`${am.url}/api/v2/alerts`);
        last = (await res.json()) as ApiAlert[];
        return settled(last);
      },
      { timeoutMs: 20_000, intervalMs: 200, what: 'Alertmanager to apply the inhibitions' },
      () => JSON.stringify(last.map((a) => [a.labels.alertname, a.labels.instance, a.labels.mountpoint ?? '', a.status.state, a.status.inhibitedBy.length])),
    );
    assert.equal(last.length, ALERTS.length);
    assert.equal(last.filter((a) => a.status.state === 'suppressed').length, ALERTS.filter((a) => a.inhibitedBy !== null).length);
  });
});
