/**
 * prometheus-process-exporter configuration: one group per process group of
 * the service that process-exporter counts (each Mailman runner; not the
 * master, which the queue collector counts: ProcessGroupModel.countedBy).
 * Groups are matched in order and a process joins the first group that
 * matches.
 */
import { stringify } from 'yaml';
import type { HostModel } from '../model/types';
import { generatedHeader, type RootfsFile } from './shell';

export const PROCESS_EXPORTER_CONFIG = '/etc/prometheus/process-exporter.yml';
export const PROCESS_EXPORTER_DEFAULTS = '/etc/default/prometheus-process-exporter';

/**
 * The YAML body by process groups: hosts of one service have the same
 * groups, and serializing them was 40 % of constructing a host
 * (docs/PERFORMANCE.md). Bounded; the body is a pure function of its key.
 */
const bodies = new Map<string, string>();
const MAX_CACHED_BODIES = 64;

function processNamesYaml(processNames: ReadonlyArray<{ readonly name: string; readonly cmdline: readonly string[] }>): string {
  const key = JSON.stringify(processNames);
  let body = bodies.get(key);
  if (body === undefined) {
    body = stringify({ process_names: processNames }, { lineWidth: 0 });
    if (bodies.size >= MAX_CACHED_BODIES) bodies.delete(bodies.keys().next().value!);
    bodies.set(key, body);
  }
  return body;
}

export function renderProcessExporterConfig(host: HostModel): string {
  const processNames = host.service.processGroups.filter((group) => group.countedBy === 'process-exporter').map((group) => ({
    name: group.groupname,
    cmdline: [group.cmdlineRegex],
  }));
  return generatedHeader('#', `process-exporter groups for ${host.service.kind}`) + processNamesYaml(processNames);
}

export function processExporterFiles(host: HostModel): RootfsFile[] {
  return [
    { path: PROCESS_EXPORTER_CONFIG, mode: 0o644, content: renderProcessExporterConfig(host) },
    {
      path: PROCESS_EXPORTER_DEFAULTS,
      mode: 0o644,
      content:
        generatedHeader('#', 'arguments for the Debian prometheus-process-exporter service') +
        // -recheck: process-exporter names a process once, when it first sees it.
        // A worker forked by a supervisor has the supervisor's command line until
        // it execs. With no group for the supervisor (the collector counts it)
        // such a process matches nothing, and -recheck matches unmatched
        // processes again on every scrape, so the worker joins its own group
        // after the exec; without -recheck it would never be matched again.
        // (-recheck never moves a process that did match a group: that is why
        // the supervisor has no group. Verified on process-exporter 0.7.10.)
        `ARGS="-config.path ${PROCESS_EXPORTER_CONFIG} -web.listen-address :${host.exporters.processExporterPort} -recheck"\n`,
    },
  ];
}
