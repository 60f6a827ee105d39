/**
 * Everything a stack writes beside `cdk.tf.json`, as relative path ->
 * content. What can fail is checked and the jsonnet mixin evaluated before
 * synthesis (`renderStackArtifacts`, asynchronous); the files themselves are
 * rendered in memory when first read (by the synth-time policy or the
 * writer) and dropped once written, so a fleet of many stacks never holds
 * every stack's files at once (docs/PERFORMANCE.md). Rendering is pure:
 * read again, they are rendered again, byte for byte the same.
 */
import type { HostModel } from '../model/types';
import type { MonitoringProps } from '../monitoring/alerting-props';
import { rootfsContributors } from '../render/contributors';
import { renderRootfs } from '../render/rootfs';
import type { RootfsFile } from '../render/shell';
import { prepareMonitoring, renderPreparedMonitoring, type PreparedMonitoring } from '../monitoring/render-monitoring';
import { validateHostModel } from '../model/validate';

export interface HostArtifacts {
  readonly model: HostModel;
  /**
   * The files provisioning installs.
   * @default - rendered from the model with the library's renderers (renderRootfs with rootfsContributors) when written
   */
  readonly rootfs?: readonly RootfsFile[];
}

export interface ArtifactFile {
  readonly content: string;
  /** Octal permission bits; rootfs files keep the mode they get on the host. */
  readonly mode: number;
}

/** Relative path (posix) -> file, sorted by path. */
export type StackArtifacts = ReadonlyMap<string, ArtifactFile>;

/** A stack's files, rendered on first use; `release()` drops them until the next use. */
class RenderedOnDemand implements ReadonlyMap<string, ArtifactFile> {
  private files: Map<string, ArtifactFile> | undefined;

  constructor(private readonly render: () => Map<string, ArtifactFile>) {}

  private get rendered(): Map<string, ArtifactFile> {
    return (this.files ??= this.render());
  }

  get size(): number {
    return this.rendered.size;
  }

  get(path: string): ArtifactFile | undefined {
    return this.rendered.get(path);
  }

  has(path: string): boolean {
    return this.rendered.has(path);
  }

  forEach(callback: (file: ArtifactFile, path: string, map: ReadonlyMap<string, ArtifactFile>) => void, thisArg?: unknown): void {
    this.rendered.forEach((file, path) => callback.call(thisArg, file, path, this));
  }

  entries(): MapIterator<[string, ArtifactFile]> {
    return this.rendered.entries();
  }

  keys(): MapIterator<string> {
    return this.rendered.keys();
  }

  values(): MapIterator<ArtifactFile> {
    return this.rendered.values();
  }

  [Symbol.iterator](): MapIterator<[string, ArtifactFile]> {
    return this.rendered[Symbol.iterator]();
  }

  release(): void {
    this.files = undefined;
  }
}

/** Drops the rendered files of `artifacts` (the writer calls it once they are on disk). */
export function releaseStackArtifacts(artifacts: StackArtifacts): void {
  if (artifacts instanceof RenderedOnDemand) artifacts.release();
}

function renderFiles(hosts: readonly HostArtifacts[], monitoring: PreparedMonitoring): Map<string, ArtifactFile> {
  const files = new Map<string, ArtifactFile>();
  for (const { model, rootfs } of hosts) {
    files.set(`hosts/${model.fqdn}/host.json`, { content: `${JSON.stringify(model, null, 2)}\n`, mode: 0o644 });
    for (const file of rootfs ?? renderRootfs(model, rootfsContributors)) files.set(`hosts/${model.fqdn}/rootfs${file.path}`, { content: file.content, mode: file.mode });
  }
  for (const [path, content] of Object.entries(renderPreparedMonitoring(monitoring))) files.set(`monitoring/${path}`, { content, mode: 0o644 });
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export async function renderStackArtifacts(hosts: readonly HostArtifacts[], monitoring: MonitoringProps): Promise<StackArtifacts> {
  for (const { model } of hosts) validateHostModel(model, `host ${model.fqdn}`);
  const prepared = await prepareMonitoring(hosts.map((host) => host.model), monitoring);
  return new RenderedOnDemand(() => renderFiles(hosts, prepared));
}
