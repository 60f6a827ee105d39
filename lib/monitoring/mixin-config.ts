/**
 * Builds the `_config` overrides of the jsonnet mixin (lib/mixin) from the
 * resolved host models, once per stack. Pure: same hosts, same object.
 *
 * The mixin's rules are fleet-wide (one rule per concern per service kind,
 * never per host), so every threshold must be the same on all hosts of a
 * service; where two hosts disagree this throws, naming both and the field.
 * Per-host facts (which runners, how many processes) are not here: each host
 * exports them itself (CONTRACT.md section 3).
 */
import { alertPrefixOf } from '../model/alert-prefix';
import type { HostModel, ProcessCounter } from '../model/types';

/** Label and values the blackbox scrape config must set (see lib/mixin/config.libsonnet). */
export const PROBE_LABEL = 'probe';
export const WEB_PROBE = 'web';
export const DATABASE_PROBE = 'database';

export interface MixinOptions {
  /** Where `monitoring/runbooks/` is published; each `runbook_url` is this + `<Alert>.md`. */
  readonly runbookBaseUrl: string;
  /** @default 'job="node"' */
  readonly nodeSelector?: string;
  /** @default 'job="process"' */
  readonly processSelector?: string;
  /** @default 'job="blackbox"' */
  readonly blackboxSelector?: string;
  /** Filesystems watched. @default - the mixin's (excludes tmpfs-like and image filesystems) */
  readonly fsSelector?: string;
  /** Age after which the queue collector counts as stale. @default 600 */
  readonly collectorStalenessSeconds?: number;
}

/** One `_config.services` entry (fields of lib/mixin/config.libsonnet `serviceDefaults`). */
export interface MixinServiceConfig {
  readonly kind: string;
  readonly alertPrefix: string;
  readonly metricPrefix: string;
  readonly runnerGroupRegex: string;
  readonly masterGroup: string | null;
  /** Who counts the master group (ProcessGroupModel.countedBy); 'process-exporter' when there is none. */
  readonly masterCountedBy: ProcessCounter;
  /** The non-master groups the collector counts (null: none); disjoint from runnerGroupRegex. */
  readonly collectorRunnerGroupRegex: string | null;
  readonly expectedProcessesMetric: string;
  /** What the collector exports for the groups it counts (ProcessGroupModel.countedBy 'collector'). */
  readonly liveProcessesMetric: string;
  readonly pagingQueues: readonly string[];
  /** Queues that page when they keep growing (QueueModel.pagesOnGrowth): their messages cycle, so age says nothing. */
  readonly growthPagingQueues: readonly string[];
  readonly ticketQueues: readonly string[];
  readonly queueAgeWarningSeconds: number;
  readonly queueAgeCriticalSeconds: number;
  readonly queueMessagesWarning: number;
  readonly webProbeSelector: string | null;
  readonly databaseProbeSelector: string | null;
  /** Words of the alert texts and dashboard titles (ServiceModel.vocabulary). */
  readonly displayName: string;
  readonly workerNoun: string;
  readonly workersNoun: string;
  readonly supervisorNoun: string;
  readonly supervisorRestartsWorkers: boolean;
  readonly burstName: string;
  readonly requeueVerb: string;
  readonly webBackend: string;
  /** Whether its user-visible outages carry `list_visible="true"` (ServiceModel.listVisibleOutages). */
  readonly listVisible: boolean;
}

/** The `_config` overrides: the options as given, and what the hosts decide; absent fields keep the mixin's defaults. */
export interface MixinConfig extends MixinOptions {
  readonly fsFilesAvailableWarningPercent?: number;
  readonly fsFilesAvailableCriticalPercent?: number;
  readonly fsSpaceAvailableWarningPercent?: number;
  readonly fsSpaceAvailableCriticalPercent?: number;
  readonly services: readonly MixinServiceConfig[];
}

const NAME = /^[A-Za-z0-9_-]+$/;
const METRIC_PREFIX = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Two hosts of a stack with different values where the stack's rules need one (ListhostStack names their construct paths). */
export class HostsDisagreeError extends Error {
  constructor(
    readonly field: string,
    readonly hosts: readonly [{ readonly fqdn: string; readonly value: unknown }, { readonly fqdn: string; readonly value: unknown }],
  ) {
    super(
      `hosts ${hosts[0].fqdn} and ${hosts[1].fqdn} disagree on ${field} (${JSON.stringify(hosts[0].value)} vs ${JSON.stringify(hosts[1].value)}): ` +
        'the monitoring rules are fleet-wide, so give every host of the service the same value',
    );
    this.name = 'HostsDisagreeError';
  }
}

function disagreementError(field: string, a: string, va: unknown, b: string, vb: unknown): Error {
  return new HostsDisagreeError(field, [{ fqdn: a, value: va }, { fqdn: b, value: vb }]);
}

function badNameError(host: string, field: string, value: string, pattern: RegExp): Error {
  return new Error(`host ${host}: ${field} ${JSON.stringify(value)} must match ${pattern}; it is used in PromQL label matchers`);
}

/** The one value every host agrees on (hosts non-empty), or throws naming two that differ. */
function agreed<T>(hosts: readonly HostModel[], field: string, get: (h: HostModel) => T): T {
  const first = hosts[0];
  const value = get(first);
  for (const h of hosts.slice(1)) {
    const other = get(h);
    if (JSON.stringify(other) !== JSON.stringify(value)) throw disagreementError(field, first.fqdn, value, h.fqdn, other);
  }
  return value;
}

/** The value every queue of one host has for a threshold, or throws naming two queues. */
function queueThreshold(host: HostModel, key: 'ageWarningSeconds' | 'ageCriticalSeconds' | 'messagesWarning'): number | null {
  const [first, ...rest] = host.service.queues;
  if (first === undefined) return null;
  for (const q of rest) {
    if (q[key] !== first[key]) {
      throw new Error(
        `host ${host.fqdn}: queues ${first.name} and ${q.name} disagree on service.queues[].${key} ` +
          `(${first[key]} vs ${q[key]}): the queue rules use one ${key} per service; give every queue the same value`,
      );
    }
  }
  return first[key];
}


/**
 * A regex for the runner groups: `<common prefix>.+` when they share one that
 * does not also match another group (`others`: the master, the groups counted
 * the other way), else an alternation of the names.
 */
function groupRegex(names: readonly string[], others: readonly string[]): string {
  if (names.length === 0) return '$^';
  let prefix = names[0];
  for (const n of names) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1);
  const cut = Math.max(prefix.lastIndexOf('-'), prefix.lastIndexOf('_'));
  const stem = prefix.slice(0, cut + 1);
  if (names.length > 1 && cut > 0 && !others.some((o) => o.startsWith(stem))) return `${stem}.+`;
  return names.join('|');
}

function serviceConfig(hosts: readonly HostModel[]): MixinServiceConfig {
  const metricPrefix = hosts[0].service.metricPrefix;
  const kind = agreed(hosts, 'service.kind', (h) => h.service.kind);
  const master = agreed(hosts, 'the master process group (role "master")', (h) =>
    h.service.processGroups.filter((g) => g.role === 'master').map((g) => g.groupname)[0] ?? null,
  );
  const vocabulary = agreed(hosts, 'service.vocabulary', (h) => h.service.vocabulary);
  const listVisible = agreed(hosts, 'service.listVisibleOutages', (h) => h.service.listVisibleOutages);
  const masterCountedBy = agreed(hosts, 'service.processGroups[master].countedBy', (h): ProcessCounter =>
    h.service.processGroups.find((g) => g.role === 'master')?.countedBy ?? 'process-exporter',
  );

  // Worker groups by who counts them; one group is counted the same way on every host.
  const runners = new Map<string, { host: string; countedBy: ProcessCounter }>();
  const queues = new Map<string, { host: string; pagesOnAge: boolean; ticketWhenNonEmpty: boolean; pagesOnGrowth: boolean }>();
  for (const h of hosts) {
    for (const g of h.service.processGroups) {
      if (!NAME.test(g.groupname)) throw badNameError(h.fqdn, 'service.processGroups[].groupname', g.groupname, NAME);
      if (g.role === 'master') continue;
      const seen = runners.get(g.groupname);
      if (seen === undefined) runners.set(g.groupname, { host: h.fqdn, countedBy: g.countedBy });
      else if (seen.countedBy !== g.countedBy) throw disagreementError(`service.processGroups[${g.groupname}].countedBy`, seen.host, seen.countedBy, h.fqdn, g.countedBy);
    }
    for (const q of h.service.queues) {
      if (!NAME.test(q.name)) throw badNameError(h.fqdn, 'service.queues[].name', q.name, NAME);
      const seen = queues.get(q.name);
      const flags = { pagesOnAge: q.pagesOnAge, ticketWhenNonEmpty: q.ticketWhenNonEmpty, pagesOnGrowth: q.pagesOnGrowth ?? false };
      if (seen === undefined) {
        queues.set(q.name, { host: h.fqdn, ...flags });
        continue;
      }
      for (const key of ['pagesOnAge', 'ticketWhenNonEmpty', 'pagesOnGrowth'] as const) {
        if (seen[key] !== flags[key]) throw disagreementError(`service.queues[${q.name}].${key}`, seen.host, seen[key], h.fqdn, flags[key]);
      }
    }
  }
  const withQueues = hosts.filter((h) => h.service.queues.length > 0);
  const threshold = (key: 'ageWarningSeconds' | 'ageCriticalSeconds' | 'messagesWarning', fallback: number) =>
    withQueues.length === 0 ? fallback : agreed(withQueues, `service.queues[].${key}`, (h) => queueThreshold(h, key) as number);
  const queueNames = [...queues.keys()].sort();
  const runnersCountedBy = (by: ProcessCounter) => [...runners].filter(([, r]) => r.countedBy === by).map(([name]) => name).sort();
  const exporterRunners = runnersCountedBy('process-exporter');
  const collectorRunners = runnersCountedBy('collector');
  const others = (names: readonly string[]) => (master === null ? names : [master, ...names]);

  return {
    kind,
    alertPrefix: alertPrefixOf(metricPrefix),
    metricPrefix,
    runnerGroupRegex: groupRegex(exporterRunners, others(collectorRunners)),
    masterGroup: master,
    masterCountedBy,
    collectorRunnerGroupRegex: collectorRunners.length === 0 ? null : groupRegex(collectorRunners, others(exporterRunners)),
    expectedProcessesMetric: `${metricPrefix}_runner_expected_processes`,
    liveProcessesMetric: `${metricPrefix}_process_group_live_processes`,
    pagingQueues: queueNames.filter((n) => queues.get(n)!.pagesOnAge),
    growthPagingQueues: queueNames.filter((n) => queues.get(n)!.pagesOnGrowth),
    ticketQueues: queueNames.filter((n) => queues.get(n)!.ticketWhenNonEmpty),
    queueAgeWarningSeconds: threshold('ageWarningSeconds', 900),
    queueAgeCriticalSeconds: threshold('ageCriticalSeconds', 1800),
    queueMessagesWarning: threshold('messagesWarning', 1000),
    webProbeSelector: hosts.some((h) => h.webUrl !== null) ? `${PROBE_LABEL}="${WEB_PROBE}"` : null,
    databaseProbeSelector: hosts.some((h) => h.database !== null) ? `${PROBE_LABEL}="${DATABASE_PROBE}"` : null,
    displayName: vocabulary.displayName,
    workerNoun: vocabulary.worker,
    workersNoun: vocabulary.workers,
    supervisorNoun: vocabulary.supervisor,
    supervisorRestartsWorkers: vocabulary.supervisorRestartsWorkers,
    burstName: vocabulary.burst,
    requeueVerb: vocabulary.requeue,
    webBackend: vocabulary.webBackend,
    listVisible,
  };
}

/**
 * The mixin `_config` overrides for these hosts: fleet-wide filesystem
 * thresholds and one `services` entry per metric prefix, sorted, so the
 * result does not depend on the order or the number of hosts.
 */
export function mixinConfig(hosts: readonly HostModel[], options: MixinOptions): MixinConfig {
  if (typeof options.runbookBaseUrl !== 'string' || options.runbookBaseUrl === '') {
    throw new Error('mixinConfig: options.runbookBaseUrl must be a non-empty URL (each runbook_url is it + <Alert>.md)');
  }
  const sorted = [...hosts].sort((a, b) => (a.fqdn < b.fqdn ? -1 : a.fqdn > b.fqdn ? 1 : 0));
  const byPrefix = new Map<string, HostModel[]>();
  for (const h of sorted) {
    if (!METRIC_PREFIX.test(h.service.metricPrefix)) {
      throw badNameError(h.fqdn, 'service.metricPrefix', h.service.metricPrefix, METRIC_PREFIX);
    }
    const list = byPrefix.get(h.service.metricPrefix) ?? [];
    list.push(h);
    byPrefix.set(h.service.metricPrefix, list);
  }

  const fs =
    sorted.length === 0
      ? {}
      : {
          fsFilesAvailableWarningPercent: agreed(sorted, 'filesystemThresholds.inodesFreeWarningPercent', (h) => h.filesystemThresholds.inodesFreeWarningPercent),
          fsFilesAvailableCriticalPercent: agreed(sorted, 'filesystemThresholds.inodesFreeCriticalPercent', (h) => h.filesystemThresholds.inodesFreeCriticalPercent),
          fsSpaceAvailableWarningPercent: agreed(sorted, 'filesystemThresholds.spaceFreeWarningPercent', (h) => h.filesystemThresholds.spaceFreeWarningPercent),
          fsSpaceAvailableCriticalPercent: agreed(sorted, 'filesystemThresholds.spaceFreeCriticalPercent', (h) => h.filesystemThresholds.spaceFreeCriticalPercent),
        };

  const optional: Record<string, string | number> = {};
  for (const key of ['nodeSelector', 'processSelector', 'blackboxSelector', 'fsSelector', 'collectorStalenessSeconds'] as const) {
    const value = options[key];
    if (value !== undefined) optional[key] = value;
  }

  return {
    runbookBaseUrl: options.runbookBaseUrl,
    ...optional,
    ...fs,
    services: [...byPrefix.keys()].sort().map((prefix) => serviceConfig(byPrefix.get(prefix)!)),
  };
}
