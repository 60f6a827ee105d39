/**
 * Every file provisioning puts on a host, and the script that installs them
 * from the staging directory the Terraform file provisioner uploads.
 */
import type { HostModel } from '../model/types';
import { processExporterFiles } from './process-exporter';
import { queueCollectorFiles, LISTHOST_LIBEXEC } from './queue-collector';
import { restoreVolumeFiles, PREPARE_RESTORE_VOLUME } from './restore-volume';
import { selfHealFiles } from './self-heal';
import { generatedHeader, shq, type RootfsFile } from './shell';

export const APPLY_SCRIPT = `${LISTHOST_LIBEXEC}/apply`;

/** Extra files other renderers contribute (the Icinga queue plugin). */
export type RootfsContributor = (host: HostModel) => RootfsFile[];

/**
 * The Icinga agent runs plugins as `nagios`; the queue directories belong to
 * the service's users (Debian's mailman3: 0770 list:list), so the agent
 * joins their groups or every queue check would be UNKNOWN.
 */
function agentGroups(host: HostModel): string {
  const users = [...new Set(host.service.processGroups.map((group) => group.user))].filter((user) => user !== 'root').sort();
  return users.map((user) => `if id nagios >/dev/null 2>&1; then usermod -a -G ${shq(user)} nagios; fi\n`).join('');
}

export function renderApplyScript(host: HostModel, files: readonly RootfsFile[]): string {
  const installs = files
    .map((file) => `install -D -m ${file.mode.toString(8).padStart(4, '0')} -- "$stage"${shq(file.path)} ${shq(file.path)}`)
    .join('\n');
  const timers = files
    .filter((file) => file.path.endsWith('.timer'))
    .map((file) => shq(file.path.slice(file.path.lastIndexOf('/') + 1)))
    .join(' ');
  return `#!/bin/sh
${generatedHeader('#', 'installs the files cdktf-listhost provisions on this host')}
# Usage: apply STAGING_DIR (the directory the files were uploaded to).
set -eu
stage=\${1:?usage: apply STAGING_DIR}
${installs}
${agentGroups(host)}systemctl daemon-reload
systemctl enable --now -- ${timers}
systemctl restart -- prometheus-process-exporter.service
${shq(PREPARE_RESTORE_VOLUME)}
`;
}

/** The host's files, sorted by path, apply script included. */
export function renderRootfs(host: HostModel, contributors: readonly RootfsContributor[] = []): RootfsFile[] {
  const files = [
    ...processExporterFiles(host),
    ...queueCollectorFiles(host),
    ...selfHealFiles(host),
    ...restoreVolumeFiles(host),
    ...contributors.flatMap((contribute) => contribute(host)),
  ];
  const all = [...files, { path: APPLY_SCRIPT, mode: 0o755 as const, content: renderApplyScript(host, files) }];
  const seen = new Set<string>();
  for (const file of all) {
    if (seen.has(file.path)) throw new Error(`${host.fqdn}: two renderers write ${file.path}`);
    seen.add(file.path);
  }
  return all.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
