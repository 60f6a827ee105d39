/**
 * Everything a stack writes beside `cdk.tf.json`, as relative path ->
 * content, computed in memory before anything is written.
 */
import type { HostModel } from '../model/types';
import type { MonitoringProps } from '../monitoring/alerting-props';
import type { RootfsFile } from '../render/shell';
import { renderMonitoring } from '../monitoring/render-monitoring';
import { validateHostModel } from '../model/validate';

export interface HostArtifacts {
  readonly model: HostModel;
  readonly rootfs: readonly RootfsFile[];
}

export interface ArtifactFile {
  readonly content: string;
  /** Octal permission bits; rootfs files keep the mode they get on the host. */
  readonly mode: number;
}

/** Relative path (posix) -> file, sorted by path. */
export type StackArtifacts = ReadonlyMap<string, ArtifactFile>;

export async function renderStackArtifacts(hosts: readonly HostArtifacts[], monitoring: MonitoringProps): Promise<StackArtifacts> {
  const files = new Map<string, ArtifactFile>();
  for (const { model, rootfs } of hosts) {
    validateHostModel(model, `host ${model.fqdn}`);
    files.set(`hosts/${model.fqdn}/host.json`, { content: `${JSON.stringify(model, null, 2)}\n`, mode: 0o644 });
    for (const file of rootfs) files.set(`hosts/${model.fqdn}/rootfs${file.path}`, { content: file.content, mode: file.mode });
  }
  const monitoringFiles = await renderMonitoring(hosts.map((host) => host.model), monitoring);
  for (const [path, content] of Object.entries(monitoringFiles)) files.set(`monitoring/${path}`, { content, mode: 0o644 });
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
