/**
 * Hosts as runbooks see them. Hosts that differ only in who they are (fqdn,
 * place, contacts, web URL, database) share one {@link HostClass}; every
 * section that does not name the host is rendered once per class, not once
 * per host, so 10,000 alike hosts cost one rendering. Sections that differ
 * between classes list each class's hosts; values that agree are said once.
 */
import type { HostModel, ProcessGroupModel, QueueModel, ServiceVocabularyModel, VolumeModel } from '../../model/types';
import { queueCollectorFiles } from '../../render/queue-collector';
import { selfHealFiles } from '../../render/self-heal';
import { code, sh, table } from './markdown';

/** What is alike in a class: the host without the fields that name it. */
export type HostShape = Omit<HostModel, 'fqdn' | 'location' | 'contacts' | 'webUrl' | 'database'>;

export interface TimerFacts {
  /** `<unit>.service`, run by `<unit>.timer`. */
  readonly service: string;
  readonly timer: string;
  /** The program the service runs. */
  readonly program: string;
  /** The textfile it writes for node_exporter. */
  readonly textfile: string;
}

/** Derived, per class: the things a responder types. */
export interface HostFacts {
  readonly shape: HostShape;
  readonly volumes: { readonly root?: VolumeModel; readonly data?: VolumeModel; readonly restore?: VolumeModel };
  readonly restart: string;
  readonly collector: TimerFacts;
  readonly selfHeal: TimerFacts & { readonly stateFile: string };
  /** `runuser -u list -- mailman -C CFG` for Mailman 3, else null. */
  readonly mailmanCli: string | null;
}

export interface HostClass {
  readonly facts: HostFacts;
  readonly hosts: readonly HostModel[];
}

function unitNames(files: readonly { path: string }[], program: string, textfile: string): TimerFacts {
  const base = (suffix: string) => {
    const file = files.find((f) => f.path.startsWith('/etc/systemd/system/') && f.path.endsWith(suffix));
    if (!file) throw new Error(`runbooks: no systemd ${suffix} unit among ${files.map((f) => f.path).join(', ')}`);
    return file.path.slice(file.path.lastIndexOf('/') + 1);
  };
  return { service: base('.service'), timer: base('.timer'), program, textfile };
}

function shapeOf(host: HostModel): HostShape {
  const { fqdn: _f, location: _l, contacts: _c, webUrl: _w, database: _d, ...shape } = host;
  return shape;
}

function factsOf(host: HostModel, shape: HostShape): HostFacts {
  const volume = (name: string) => host.volumes.find((v) => v.name === name);
  const { service, exporters, selfHeal } = host;
  const collectorFiles = queueCollectorFiles(host);
  const selfHealFilesList = selfHealFiles(host);
  const programOf = (files: readonly { path: string; mode: number }[]) => files.find((f) => f.mode === 0o755)?.path ?? '';
  return {
    shape,
    volumes: { root: host.volumes.find((v) => v.mountpoint === '/'), data: volume(host.dataVolume), restore: volume(host.backup.restoreVolume) },
    restart: sh(service.restartCommand),
    // Paths as lib/render/queue-collector.ts and lib/render/self-heal.ts write them (pinned by a test).
    collector: unitNames(collectorFiles, programOf(collectorFiles), `${exporters.textfileDirectory}/${service.metricPrefix}_queues.prom`),
    selfHeal: {
      ...unitNames(selfHealFilesList, programOf(selfHealFilesList), `${exporters.textfileDirectory}/${service.metricPrefix}_selfheal.prom`),
      stateFile: `${selfHeal.stateDirectory}/${service.metricPrefix}-selfheal.state`,
    },
    mailmanCli: service.kind === 'mailman3' ? sh(['runuser', '-u', serviceUser(shape), '--', 'mailman', '-C', service.configFile]) : null,
  };
}

/** The user the service's processes run as (the first group's). */
export function serviceUser(shape: HostShape): string {
  return shape.service.processGroups[0]?.user ?? 'root';
}

/** The runner group that works on `queue` (role `runner <queue>`), if any. */
export function runnerOfQueue(shape: HostShape, queue: QueueModel): ProcessGroupModel | undefined {
  return shape.service.processGroups.find((g) => g.role === `runner ${queue.name}`);
}

function compareFqdn(a: HostModel, b: HostModel): number {
  return a.fqdn < b.fqdn ? -1 : a.fqdn > b.fqdn ? 1 : 0;
}

/** Structural equality of JSON-like data (what host models are). */
function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k) || !sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** A cheap first cut, so a host is compared in full only with classes that may match. */
function bucketKey(shape: HostShape): string {
  return [shape.service.kind, shape.service.unit, shape.dataVolume, ...shape.volumes.map((v) => v.mountpoint)].join('\0');
}

/**
 * Hosts ordered by fqdn, grouped into classes (in the order of their first
 * host). Comparing structurally, not by serializing every host, keeps this
 * at a few milliseconds per thousand alike hosts.
 */
export function hostClasses(hosts: readonly HostModel[]): HostClass[] {
  const classes: { shape: HostShape; facts: HostFacts; hosts: HostModel[] }[] = [];
  const buckets = new Map<string, typeof classes>();
  for (const host of [...hosts].sort(compareFqdn)) {
    const shape = shapeOf(host);
    const key = bucketKey(shape);
    const bucket = buckets.get(key) ?? [];
    buckets.set(key, bucket);
    let found = bucket.find((c) => sameData(c.shape, shape));
    if (!found) {
      found = { shape, facts: factsOf(host, shape), hosts: [] };
      bucket.push(found);
      classes.push(found);
    }
    found.hosts.push(host);
  }
  return classes.map((c) => ({ facts: c.facts, hosts: c.hosts }));
}

/** Words for a page whose hosts run services that name their parts differently. */
export const NEUTRAL_WORDS: ServiceVocabularyModel = {
  displayName: 'the service',
  worker: 'worker',
  workers: 'workers',
  supervisor: 'master',
  supervisorRestartsWorkers: false,
  burst: 'a burst of messages',
  requeue: 'requeue',
  webBackend: "the service's workers",
};

/** The classes' vocabulary when they all agree, else neutral words. */
export function pageWords(classes: readonly HostClass[]): ServiceVocabularyModel {
  const [first, ...rest] = classes.map((c) => c.facts.shape.service.vocabulary);
  if (first === undefined) return NEUTRAL_WORDS;
  return rest.every((v) => sameData(v, first)) ? first : NEUTRAL_WORDS;
}

export function hostNames(hosts: readonly HostModel[]): string {
  return hosts.map((h) => code(h.fqdn)).join(', ');
}

/**
 * A section rendered per class; classes whose text agrees are merged. One
 * text for all hosts comes out as is; otherwise each text is headed by the
 * hosts it is for.
 */
export function perClass(classes: readonly HostClass[], render: (facts: HostFacts) => string): string {
  const byText = new Map<string, HostModel[]>();
  for (const c of classes) {
    const text = render(c.facts);
    const list = byText.get(text) ?? [];
    list.push(...c.hosts);
    byText.set(text, list);
  }
  if (byText.size <= 1) return [...byText.keys()][0] ?? '';
  return [...byText.entries()].map(([text, hosts]) => `On ${hostNames(hosts)}:\n\n${text}`).join('\n\n');
}

/** A fact for the "where things are" table: a label and its value per class (undefined: not on that host). */
export type Fact = readonly [label: string, value: (facts: HostFacts) => string | undefined];

/**
 * The facts as tables: one `what | value` table of the values every host
 * agrees on, then, for each value that differs, a small `hosts | value`
 * table listing each host's value.
 */
export function factTables(classes: readonly HostClass[], facts: readonly Fact[]): string {
  const same: string[][] = [];
  const differing: string[] = [];
  for (const [label, value] of facts) {
    const byValue = new Map<string, HostModel[]>();
    for (const c of classes) {
      const v = value(c.facts) ?? '';
      const list = byValue.get(v) ?? [];
      list.push(...c.hosts);
      byValue.set(v, list);
    }
    const show = (v: string) => (v === '' ? '(none)' : code(v));
    if (byValue.size <= 1) same.push([label, show([...byValue.keys()][0] ?? '')]);
    else differing.push(`${label} differs between hosts:\n\n${table(['hosts', label], [...byValue.entries()].map(([v, hosts]) => [hostNames(hosts), show(v)]))}`);
  }
  return [same.length > 0 ? table(['what', 'value'], same) : '', ...differing].filter((t) => t !== '').join('\n\n');
}

/** One row per host, in the order given (for what names the host: URLs, endpoints, commands with its fqdn). */
export function perHostTable(hosts: readonly HostModel[], head: readonly string[], row: (host: HostModel) => readonly string[] | undefined): string {
  const rows: (readonly string[])[] = [];
  for (const host of hosts) {
    const r = row(host);
    if (r) rows.push([code(host.fqdn), ...r]);
  }
  return rows.length === 0 ? '' : table(['host', ...head], rows);
}
