/**
 * scrape.yml: promtool accepts it inside a minimal prometheus.yml, every
 * target group makes instance the host's fqdn (no port) with site and row,
 * and blackbox probes go through the host's own exporter.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import type { HostModel } from '../../lib/model/types';
import { BLACKBOX_EXPORTER_LABEL, renderScrapeConfig, scrapeConfigs } from '../../lib/monitoring/scrape-config';
import { exampleHostModel } from '../fixtures/host-model';
import { run } from '../helpers/run';

const PROMTOOL = '/usr/bin/promtool';
const work = mkdtempSync(join(tmpdir(), 'listhost-scrape-'));
after(() => rmSync(work, { recursive: true, force: true }));

const HOSTS = [exampleHostModel(), exampleHostModel('lists2001.example.org', 'dc2', 'B')];

interface Group {
  targets: string[];
  labels: Record<string, string>;
}
interface Job {
  job_name: string;
  metrics_path?: string;
  static_configs: Group[];
  relabel_configs?: { source_labels?: string[]; target_label?: string; action?: string; regex?: string; replacement?: string }[];
}

/** A prometheus.yml around the scrape configs, as CONTRACT.md section 2 says they are checked. */
function wrapInPrometheusYml(scrape: string): string {
  return `global:\n  scrape_interval: 1m\n  evaluation_interval: 1m\n${scrape}`;
}

function promtoolCheck(text: string) {
  const file = join(work, `prometheus-${Math.abs(hash(text))}.yml`);
  writeFileSync(file, text);
  return run(PROMTOOL, ['check', 'config', file]);
}

function hash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
  return h;
}

/**
 * Prometheus' relabelling as this config uses it (`replace` with the
 * default regex `(.*)` and replacement `$1`, single source label), applied
 * to a target group; Prometheus defaults `instance` to `__address__` when no
 * label sets it. The real thing runs in scrape-config-prometheus.test.ts.
 */
function relabel(job: Job, group: Group, target: string): Record<string, string> {
  const labels: Record<string, string> = { ...group.labels, __address__: target, job: job.job_name };
  for (const rule of job.relabel_configs ?? []) {
    assert.equal(rule.action ?? 'replace', 'replace');
    assert.equal(rule.regex, undefined);
    assert.equal(rule.replacement, undefined);
    assert.equal(rule.source_labels?.length, 1);
    labels[rule.target_label as string] = labels[rule.source_labels![0]] ?? '';
  }
  if (labels.instance === undefined) labels.instance = labels.__address__;
  return labels;
}

describe('scrape.yml for the example hosts', () => {
  const text = renderScrapeConfig(HOSTS);
  const doc = parse(text) as { scrape_configs: Job[] };

  it('is a YAML document whose only top-level key is scrape_configs', () => {
    assert.deepEqual(Object.keys(doc), ['scrape_configs']);
  });

  it('passes promtool check config inside a minimal prometheus.yml', () => {
    const r = promtoolCheck(wrapInPrometheusYml(text));
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /SUCCESS/);
  });

  it('a broken config fails promtool check config (the check can fail)', () => {
    const r = promtoolCheck(wrapInPrometheusYml(text.replace('job_name: process', 'job_name: node')));
    assert.notEqual(r.status, 0);
    assert.match(r.stdout + r.stderr, /node/);
  });

  it('parses to exactly scrapeConfigs() (the one-line target groups are the data)', () => {
    assert.deepEqual(doc.scrape_configs, JSON.parse(JSON.stringify(scrapeConfigs(HOSTS))));
  });

  it('has the jobs node, process and blackbox', () => {
    assert.deepEqual(doc.scrape_configs.map((j) => j.job_name), ['node', 'process', 'blackbox']);
  });

  it('scrapes node_exporter and process-exporter on each host, as instance=<fqdn> with site and row', () => {
    for (const [jobName, port] of [['node', 9100], ['process', 9256]] as const) {
      const job = doc.scrape_configs.find((j) => j.job_name === jobName)!;
      const seen = job.static_configs.flatMap((g) => g.targets.map((t) => relabel(job, g, t)));
      assert.deepEqual(
        seen.map((l) => [l.__address__, l.instance, l.site, l.row]),
        [
          [`lists1001.example.org:${port}`, 'lists1001.example.org', 'dc1', 'A'],
          [`lists2001.example.org:${port}`, 'lists2001.example.org', 'dc2', 'B'],
        ],
        jobName,
      );
    }
  });

  it('probes the web URL and the database through the host\'s own blackbox_exporter, as instance=<fqdn>', () => {
    const job = doc.scrape_configs.find((j) => j.job_name === 'blackbox')!;
    assert.equal(job.metrics_path, '/probe');
    const seen = job.static_configs.flatMap((g) => g.targets.map((t) => relabel(job, g, t)));
    assert.deepEqual(
      seen.map((l) => [l.__address__, l.__param_target, l.__param_module, l.instance, l.probe, l.site, l.row]),
      [
        ['lists1001.example.org:9115', 'https://lists1001.example.org/postorius/lists/', 'http_2xx', 'lists1001.example.org', 'web', 'dc1', 'A'],
        ['lists1001.example.org:9115', 'db1001.example.org:3306', 'tcp_connect', 'lists1001.example.org', 'database', 'dc1', 'A'],
        ['lists2001.example.org:9115', 'https://lists2001.example.org/postorius/lists/', 'http_2xx', 'lists2001.example.org', 'web', 'dc2', 'B'],
        ['lists2001.example.org:9115', 'db1001.example.org:3306', 'tcp_connect', 'lists2001.example.org', 'database', 'dc2', 'B'],
      ],
    );
  });

  it('gives every series of every job an instance that is a host fqdn without port', () => {
    const fqdns = new Set(HOSTS.map((h) => h.fqdn));
    for (const job of doc.scrape_configs) {
      assert.ok(job.static_configs.length > 0, job.job_name);
      for (const group of job.static_configs) {
        for (const target of group.targets) {
          const labels = relabel(job, group, target);
          assert.ok(fqdns.has(labels.instance), `${job.job_name} ${target}: instance ${labels.instance}`);
          assert.doesNotMatch(labels.instance, /:/);
        }
      }
    }
  });

  it('is the same bytes every time, whatever order the hosts are declared in', () => {
    assert.equal(renderScrapeConfig(HOSTS), text);
    assert.equal(renderScrapeConfig([...HOSTS].reverse()), text);
  });
});

describe('scrape.yml edge cases', () => {
  it('a host without web URL or database gets no probe; other ports are honoured', () => {
    const host: HostModel = {
      ...exampleHostModel('lists3001.example.org', 'dc3', 'C'),
      webUrl: null,
      database: null,
      exporters: { nodeExporterPort: 19100, processExporterPort: 19256, blackboxExporterPort: 19115, textfileDirectory: '/var/lib/node' },
    };
    const doc = parse(renderScrapeConfig([host])) as { scrape_configs: Job[] };
    assert.deepEqual(doc.scrape_configs.map((j) => [j.job_name, j.static_configs.flatMap((g) => g.targets)]), [
      ['node', ['lists3001.example.org:19100']],
      ['process', ['lists3001.example.org:19256']],
      ['blackbox', []],
    ]);
    assert.equal(promtoolCheck(wrapInPrometheusYml(renderScrapeConfig([host]))).status, 0);
  });

  it('a database given as an IPv6 address is probed as [addr]:port', () => {
    const host: HostModel = { ...exampleHostModel(), database: { host: '2001:db8::5', port: 5432 } };
    const job = scrapeConfigs([host])[2] as unknown as Job;
    assert.deepEqual(job.static_configs[1].targets, ['[2001:db8::5]:5432']);
    assert.equal(job.static_configs[1].labels[BLACKBOX_EXPORTER_LABEL], 'lists1001.example.org:9115');
  });

  it('the same fqdn twice is an error naming it', () => {
    assert.throws(() => renderScrapeConfig([exampleHostModel(), exampleHostModel()]), /lists1001\.example\.org is declared twice/);
  });

  it('grows by a fixed number of lines per host (rendering is one pass over the hosts)', () => {
    const lines = (n: number) =>
      renderScrapeConfig(Array.from({ length: n }, (_, i) => exampleHostModel(`lists${String(i).padStart(5, '0')}.example.org`, 'dc1', 'A'))).split('\n').length;
    const base = lines(1);
    // Per host: one node group, one process group, two probes.
    assert.equal(lines(10) - base, 9 * 4);
    assert.equal(lines(1000) - base, 999 * 4);
  });
});
