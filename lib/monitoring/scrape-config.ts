/**
 * scrape.yml: the `scrape_configs` for every exporter of every host
 * (CONTRACT.md sections 2 and 3).
 *
 * Every series carries `instance="<host fqdn>"` (no port), `site` and `row`:
 * each host is one static target group whose labels set them, so `instance`
 * never depends on the form of the target address. Blackbox probes go
 * through the blackbox_exporter on the host the probe is for (the database
 * as that host sees it); the probed URL or address becomes `target=` of the
 * probe request and `instance` stays the host's fqdn, so a failed probe is
 * an alert on that host.
 *
 * Hosts are ordered by fqdn (code-unit order, not locale), so the output
 * does not depend on declaration order; everything else is one pass over
 * the hosts.
 */
import { stringify } from 'yaml';
import type { HostModel } from '../model/types';
import { generatedHeader } from '../render/shell';

/** Job names the rules select on (lib/mixin/config.libsonnet). */
export const SCRAPE_JOBS = { node: 'node', process: 'process', blackbox: 'blackbox' } as const;

/** blackbox_exporter modules of Debian's default blackbox.yml. */
export const BLACKBOX_MODULES = { web: 'http_2xx', database: 'tcp_connect' } as const;

/** Values of the `probe` label on blackbox series. */
export type ProbeKind = keyof typeof BLACKBOX_MODULES;

/**
 * Hidden label (dropped after relabelling, as every `__` label) that carries
 * the address of the host's own blackbox_exporter into `__address__`.
 */
export const BLACKBOX_EXPORTER_LABEL = '__listhost_blackbox_exporter';

interface TargetGroup {
  readonly targets: string[];
  readonly labels: Record<string, string>;
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The labels every series of a host carries. */
export function hostLabels(host: HostModel): Record<string, string> {
  return { instance: host.fqdn, site: host.location.site, row: host.location.row };
}

function byFqdn(hosts: readonly HostModel[]): HostModel[] {
  const seen = new Set<string>();
  for (const host of hosts) {
    if (seen.has(host.fqdn)) throw new Error(`scrape config: host ${host.fqdn} is declared twice; every host needs its own fqdn`);
    seen.add(host.fqdn);
  }
  return [...hosts].sort((a, b) => (a.fqdn < b.fqdn ? -1 : a.fqdn > b.fqdn ? 1 : 0));
}

function probeGroup(host: HostModel, kind: ProbeKind, target: string): TargetGroup {
  return {
    targets: [target],
    labels: {
      __param_module: BLACKBOX_MODULES[kind],
      [BLACKBOX_EXPORTER_LABEL]: hostPort(host.fqdn, host.exporters.blackboxExporterPort),
      ...hostLabels(host),
      probe: kind,
    },
  };
}

/** The scrape configs as data (what renderScrapeConfig serializes). */
export function scrapeConfigs(hosts: readonly HostModel[]): Record<string, unknown>[] {
  const node: TargetGroup[] = [];
  const processes: TargetGroup[] = [];
  const probes: TargetGroup[] = [];
  for (const host of byFqdn(hosts)) {
    node.push({ targets: [hostPort(host.fqdn, host.exporters.nodeExporterPort)], labels: hostLabels(host) });
    processes.push({ targets: [hostPort(host.fqdn, host.exporters.processExporterPort)], labels: hostLabels(host) });
    if (host.webUrl !== null) probes.push(probeGroup(host, 'web', host.webUrl));
    if (host.database !== null) probes.push(probeGroup(host, 'database', hostPort(host.database.host, host.database.port)));
  }
  return [
    { job_name: SCRAPE_JOBS.node, static_configs: node },
    { job_name: SCRAPE_JOBS.process, static_configs: processes },
    {
      job_name: SCRAPE_JOBS.blackbox,
      metrics_path: '/probe',
      static_configs: probes,
      relabel_configs: [
        // What to probe: the target as declared (URL or host:port).
        { source_labels: ['__address__'], target_label: '__param_target' },
        // Whom to ask: the blackbox_exporter of the host the probe is for.
        { source_labels: [BLACKBOX_EXPORTER_LABEL], target_label: '__address__' },
      ],
    },
  ];
}

/**
 * One target group as a single line: a JSON object is a YAML flow mapping,
 * and JSON strings are YAML double-quoted scalars. One line per host and
 * job keeps the file greppable and the rendering fast: the `yaml` package
 * takes about 1.7 s for the groups of 10,000 hosts, this about 0.05 s. A
 * test parses the output with `yaml` and compares it with scrapeConfigs().
 */
function groupLine(group: unknown): string {
  return `      - ${JSON.stringify(group)}\n`;
}

/** scrape.yml: a YAML document whose only top-level key is `scrape_configs`. */
export function renderScrapeConfig(hosts: readonly HostModel[]): string {
  let out = generatedHeader('#', 'Prometheus scrape_configs for every exporter of every host; instance is the host fqdn') + 'scrape_configs:\n';
  for (const job of scrapeConfigs(hosts)) {
    const { static_configs: groups, ...settings } = job as { static_configs: unknown[] };
    // The job's own settings through the yaml package, indented under `scrape_configs:`.
    out += stringify([settings], { lineWidth: 0, aliasDuplicateObjects: false }).replace(/^(?=.)/gm, '  ');
    if (groups.length === 0) {
      out += '    static_configs: []\n';
      continue;
    }
    out += '    static_configs:\n';
    for (const group of groups) out += groupLine(group);
  }
  return out;
}
