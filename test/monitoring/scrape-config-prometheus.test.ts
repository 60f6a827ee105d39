/**
 * scrape.yml in a real Prometheus (Debian 12's prometheus on a loopback
 * port): its relabelling, not ours, decides the labels of every target.
 * The example hosts do not resolve here, so the scrapes fail; the targets
 * and their labels are what is checked.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { renderScrapeConfig } from '../../lib/monitoring/scrape-config';
import { exampleHostModel } from '../fixtures/host-model';
import { waitFor } from '../e2e/harness/proc';
import { startPrometheus, type Daemon } from './daemon';

interface Target {
  labels: Record<string, string>;
  scrapePool: string;
  scrapeUrl: string;
}

const HOSTS = [exampleHostModel(), exampleHostModel('lists2001.example.org', 'dc2', 'B')];

describe('scrape.yml in a real Prometheus', () => {
  let prometheus: Daemon;
  let targets: Target[] = [];
  before(async () => {
    prometheus = await startPrometheus(`global:\n  scrape_interval: 1m\n${renderScrapeConfig(HOSTS)}`);
    targets = await waitFor(
      async () => {
        const res = await fetch(`${prometheus.url}/api/v1/targets?state=active`);
        const body = (await res.json()) as { data: { activeTargets: Target[] } };
        targets = body.data.activeTargets;
        return targets.length === 8 ? targets : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: 'Prometheus to discover the 8 targets' },
      () => `${targets.length} targets`,
    );
  });
  after(async () => {
    await prometheus?.stop();
  });

  const key = (t: Target) => [t.labels.job, t.labels.instance, t.labels.probe ?? ''].join(' ');

  it('labels every target with instance=<fqdn>, job, site and row, and nothing else but probe', () => {
    const rows = targets.map((t) => [key(t), JSON.stringify(t.labels)]).sort();
    const expected: string[][] = [];
    for (const h of HOSTS) {
      const common = { instance: h.fqdn, row: h.location.row, site: h.location.site };
      expected.push([`node ${h.fqdn} `, JSON.stringify({ ...common, job: 'node' })]);
      expected.push([`process ${h.fqdn} `, JSON.stringify({ ...common, job: 'process' })]);
      expected.push([`blackbox ${h.fqdn} web`, JSON.stringify({ ...common, job: 'blackbox', probe: 'web' })]);
      expected.push([`blackbox ${h.fqdn} database`, JSON.stringify({ ...common, job: 'blackbox', probe: 'database' })]);
    }
    const canonical = (rows: string[][]) => rows.map(([k, l]) => [k, JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(l)).sort()))]).sort();
    assert.deepEqual(canonical(rows), canonical(expected));
  });

  it('scrapes the exporters on the hosts and asks each host\'s blackbox_exporter to probe its targets', () => {
    const urls = Object.fromEntries(targets.map((t) => [key(t), t.scrapeUrl]));
    assert.equal(urls['node lists1001.example.org '], 'http://lists1001.example.org:9100/metrics');
    assert.equal(urls['process lists2001.example.org '], 'http://lists2001.example.org:9256/metrics');
    const web = new URL(urls['blackbox lists2001.example.org web']);
    assert.equal(`${web.host}${web.pathname}`, 'lists2001.example.org:9115/probe');
    assert.deepEqual(Object.fromEntries(web.searchParams), { module: 'http_2xx', target: 'https://lists2001.example.org/postorius/lists/' });
    const db = new URL(urls['blackbox lists1001.example.org database']);
    assert.equal(db.host, 'lists1001.example.org:9115');
    assert.deepEqual(Object.fromEntries(db.searchParams), { module: 'tcp_connect', target: 'db1001.example.org:3306' });
  });
});
