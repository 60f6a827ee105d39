/**
 * prometheus-process-exporter configuration: one group per process group of
 * the service (each Mailman runner, the master). Groups are matched in
 * order and a process joins the first group that matches.
 */
import { stringify } from 'yaml';
import type { HostModel } from '../model/types';
import { generatedHeader, type RootfsFile } from './shell';

export const PROCESS_EXPORTER_CONFIG = '/etc/prometheus/process-exporter.yml';
export const PROCESS_EXPORTER_DEFAULTS = '/etc/default/prometheus-process-exporter';

export function renderProcessExporterConfig(host: HostModel): string {
  const config = {
    process_names: host.service.processGroups.map((group) => ({
      name: group.groupname,
      cmdline: [group.cmdlineRegex],
    })),
  };
  return generatedHeader('#', `process-exporter groups for ${host.service.kind} on ${host.fqdn}`) + stringify(config, { lineWidth: 0 });
}

export function processExporterFiles(host: HostModel): RootfsFile[] {
  return [
    { path: PROCESS_EXPORTER_CONFIG, mode: 0o644, content: renderProcessExporterConfig(host) },
    {
      path: PROCESS_EXPORTER_DEFAULTS,
      mode: 0o644,
      content:
        generatedHeader('#', 'arguments for the Debian prometheus-process-exporter service') +
        `ARGS="-config.path ${PROCESS_EXPORTER_CONFIG} -web.listen-address :${host.exporters.processExporterPort}"\n`,
    },
  ];
}
