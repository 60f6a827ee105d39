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
import { fileTrigger, type FileTriggers } from '../provision/host-provisioning';

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
  /**
   * The file's provisioning trigger (fileTrigger: sha256 of mode and
   * content), when it has one: the writer's digest uses it instead of
   * hashing the content a second time.
   * @default - none (a monitoring file or host.json)
   */
  readonly trigger?: string;
}

/** Relative path (posix) -> file, sorted by path. */
export type StackArtifacts = ReadonlyMap<string, ArtifactFile> & {
  /** A host's file triggers (installed path -> fileTrigger), from its files as rendered for this stack. */
  rootfsTriggers(fqdn: string): FileTriggers | undefined;
};

function rootfsOf(host: HostArtifacts): readonly RootfsFile[] {
  return host.rootfs ?? renderRootfs(host.model, rootfsContributors);
}

/** Installed path -> fileTrigger for each of a host's files. */
export function rootfsTriggers(files: readonly RootfsFile[]): FileTriggers {
  const triggers: Record<string, string> = {};
  for (const file of files) triggers[file.path] = fileTrigger(file);
  return triggers;
}

/**
 * A stack's files, rendered on first use; `release()` drops them until the
 * next use. The hosts' file triggers are kept (a few hashes per host): the
 * Terraform JSON asks for them after the files were written.
 */
class RenderedOnDemand implements StackArtifacts {
  private files: Map<string, ArtifactFile> | undefined;
  private readonly triggers = new Map<string, FileTriggers>();
  private hostsByFqdn?: Map<string, HostArtifacts>;

  constructor(
    private readonly hosts: readonly HostArtifacts[],
    private readonly monitoring: PreparedMonitoring,
  ) {}

  private get rendered(): Map<string, ArtifactFile> {
    return (this.files ??= renderFiles(this.hosts, this.monitoring, this.triggers));
  }

  rootfsTriggers(fqdn: string): FileTriggers | undefined {
    const known = this.triggers.get(fqdn);
    if (known) return known;
    // Asked before the files were rendered (Terraform JSON resolved on its own): this host's files only.
    this.hostsByFqdn ??= new Map(this.hosts.map((host) => [host.model.fqdn, host]));
    const host = this.hostsByFqdn.get(fqdn);
    if (!host) return undefined;
    const triggers = rootfsTriggers(rootfsOf(host));
    this.triggers.set(fqdn, triggers);
    return triggers;
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
export function releaseStackArtifacts(artifacts: ReadonlyMap<string, ArtifactFile>): void {
  if (artifacts instanceof RenderedOnDemand) artifacts.release();
}

/** A shared service object's part of host.json, stringified once (lib/model/shared-service-models.ts). */
const serviceJsonByObject = new WeakMap<HostModel['service'], string>();
const SERVICE_SLOT = 'listhost:service-slot';

/**
 * host.json: `JSON.stringify(model, null, 2)` byte for byte, with the
 * service, most of a model, stringified once per service object. The slot
 * is found as the top-level key: a newline inside a string value is escaped,
 * so `\n  "service": ` cannot occur anywhere else.
 */
export function hostJson(model: HostModel): string {
  let service = serviceJsonByObject.get(model.service);
  if (service === undefined) {
    service = JSON.stringify(model.service, null, 2).replace(/\n/g, '\n  ');
    serviceJsonByObject.set(model.service, service);
  }
  const text = JSON.stringify({ ...model, service: SERVICE_SLOT }, null, 2);
  const slot = `\n  "service": "${SERVICE_SLOT}"`;
  const at = text.indexOf(slot);
  return `${text.slice(0, at)}\n  "service": ${service}${text.slice(at + slot.length)}\n`;
}

/**
 * Renders a stack's files; records each host's file triggers in `triggers`.
 * Hosts with the same settings render most files to the same text: each
 * distinct text (and mode) is hashed once and held once.
 */
function renderFiles(hosts: readonly HostArtifacts[], monitoring: PreparedMonitoring, triggers: Map<string, FileTriggers>): Map<string, ArtifactFile> {
  const files = new Map<string, ArtifactFile>();
  const distinct = new Map<number, Map<string, ArtifactFile>>();
  for (const host of hosts) {
    const { model } = host;
    files.set(`hosts/${model.fqdn}/host.json`, { content: hostJson(model), mode: 0o644 });
    const hostTriggers: Record<string, string> = {};
    for (const file of rootfsOf(host)) {
      let byContent = distinct.get(file.mode);
      if (!byContent) distinct.set(file.mode, (byContent = new Map()));
      let rendered = byContent.get(file.content);
      if (!rendered) byContent.set(file.content, (rendered = { content: file.content, mode: file.mode, trigger: fileTrigger(file) }));
      hostTriggers[file.path] = rendered.trigger!;
      files.set(`hosts/${model.fqdn}/rootfs${file.path}`, rendered);
    }
    triggers.set(model.fqdn, hostTriggers);
  }
  for (const [path, content] of Object.entries(renderPreparedMonitoring(monitoring))) files.set(`monitoring/${path}`, { content, mode: 0o644 });
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export async function renderStackArtifacts(hosts: readonly HostArtifacts[], monitoring: MonitoringProps): Promise<StackArtifacts> {
  for (const { model } of hosts) validateHostModel(model, `host ${model.fqdn}`);
  const prepared = await prepareMonitoring(hosts.map((host) => host.model), monitoring);
  return new RenderedOnDemand(hosts, prepared);
}
