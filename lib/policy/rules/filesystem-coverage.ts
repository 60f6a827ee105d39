/**
 * Filesystem alert coverage, shared by FilesystemInodeAlerts (LH001) and
 * FilesystemSpaceAlerts (LH002): which kinds of alerts in rules.yml would
 * fire for each volume of a host, judged by their selectors against the
 * labels node_exporter gives that volume.
 */
import type { FilesystemAlertKind } from '../config';
import { alertsReading, type PrometheusRule } from '../artifacts/prometheus-rules';
import { keepsLabel, trendWindowMs } from '../artifacts/promql';
import { fromViolations, modelLocation, type HostUnderLint, type LintContext, type RuleResult, type Violation } from '../types';
import { coverageLocation, JOB, listing, matchingUses, prometheusFor, violation } from './support';

export interface FilesystemResource {
  /** `inode` / `space`, for messages. */
  readonly what: string;
  /** Series any of which counts as reading the resource. */
  readonly series: readonly string[];
}

export const INODES: FilesystemResource = { what: 'inode', series: ['node_filesystem_files_free'] };
export const SPACE: FilesystemResource = { what: 'space', series: ['node_filesystem_avail_bytes', 'node_filesystem_free_bytes'] };

/**
 * The kind of an alert for one volume: `burst` when it applies a trend
 * function over a short window, `trend` over a longer one, else `threshold`;
 * undefined when the alert would not fire for the volume (no selector
 * matches it, or an aggregation drops `mountpoint`).
 */
export function alertKindFor(
  rule: PrometheusRule,
  resource: FilesystemResource,
  labels: Readonly<Record<string, string>>,
  burstMaxWindowMs: number,
): 'threshold' | 'trend' | 'burst' | undefined {
  const uses = matchingUses(rule, resource.series, labels).filter((use) => keepsLabel(use, 'mountpoint'));
  if (uses.length === 0) return undefined;
  const windows = uses.map(trendWindowMs).filter((w): w is number => w !== undefined);
  if (windows.length === 0) return 'threshold';
  return Math.min(...windows) <= burstMaxWindowMs ? 'burst' : 'trend';
}

export function checkFilesystemAlerts(host: HostUnderLint, ctx: LintContext, resource: FilesystemResource): RuleResult {
  const access = prometheusFor(host, ctx, `${resource.what}s of its filesystems`);
  if (!access.ok) return access.result;
  const file = access.value;
  const candidates = alertsReading(file, resource.series);
  const required = ctx.config.filesystemAlerts.require;
  const burstMax = ctx.config.filesystemAlerts.burstMaxWindowSeconds * 1000;
  const violations: Violation[] = [];
  host.model.volumes.forEach((volume, i) => {
    const labels = { job: JOB.node, instance: host.model.fqdn, mountpoint: volume.mountpoint, device: volume.device, fstype: volume.fstype };
    const found = new Set<FilesystemAlertKind>();
    for (const rule of candidates) {
      const kind = alertKindFor(rule, resource, labels, burstMax);
      if (kind) found.add(`${kind}-${rule.labels.severity ?? 'none'}` as FilesystemAlertKind);
    }
    const absent = required.filter((kind) => !found.has(kind));
    if (absent.length === 0) return;
    const seen = found.size === 0 ? 'no alerting rule matches it at all' : `it has ${listing([...found].sort())}`;
    violations.push(
      violation(
        `volume:${volume.mountpoint}`,
        `${host.model.fqdn}: filesystem ${volume.mountpoint} (${volume.fstype} on ${volume.device}) lacks ${resource.what} alerts of kind ${listing(absent)} ` +
          `in ${file.file} (${seen}; an alert counts when a selector of ${listing(resource.series)} matches the volume's labels and keeps mountpoint)`,
        coverageLocation(file, candidates),
        [modelLocation(host, `/volumes/${i}`)],
      ),
    );
  });
  return fromViolations(violations);
}
