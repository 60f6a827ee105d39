/**
 * Props objects may carry only the keys their interface declares.
 * TypeScript rejects an unknown key in an object literal typed as the
 * props, but not in one built with spreads, typed `any`, read from JSON or
 * written in JavaScript; there a misspelt optional prop
 * (`filesystemThreshold`) would be ignored and its default used without a
 * word. Each interface's key list is declared with {@link allKeys}, so the
 * compiler fails when the list and the interface drift apart.
 */
import { ListhostPropError } from '../errors';
import type {
  BackupProps, ContactProps, EndpointProps, ExporterProps, FilesystemThresholdProps, HostBaseProps, LocationProps, PlatformProps, QueueThresholdProps,
  RestoreVolumeProps, SelfHealProps, VolumeProps,
} from './props';

type Missing<T, K extends readonly PropertyKey[]> = Exclude<keyof T, K[number]>;

/**
 * Every key of `T`, checked at compile time: a key `T` lacks does not
 * type-check, and neither does a list that leaves one of `T`'s keys out
 * (the error names it as `missing`).
 */
export function allKeys<T>() {
  return <const K extends readonly (keyof T & string)[]>(keys: K & ([Missing<T, K>] extends [never] ? unknown : { missing: Missing<T, K> })): readonly string[] =>
    keys;
}

/** The known key closest to `key` (case and one or two typos away), if any. */
function closest(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(lower, name.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * Throws for the first key of `value` (when it is an object) that `known`
 * lacks, naming it under `at` (`''` for the top level), the closest known
 * key, and what `what` takes.
 */
export function checkKnownProps(construct: string, at: string, value: unknown, known: readonly string[], what: string): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const guess = closest(key, known);
    throw new ListhostPropError(
      construct,
      at === '' ? key : `${at}.${key}`,
      `is not a prop of ${what}${guess ? `; did you mean '${guess}'?` : ''} (${what} takes ${known.join(', ')}).`,
    );
  }
}

/** The keys of each interface of props.ts, checked by the compiler against it. */
export const PROP_KEYS = {
  location: allKeys<LocationProps>()(['site', 'row', 'rack']),
  platform: allKeys<PlatformProps>()(['os', 'release', 'agent']),
  agent: allKeys<PlatformProps['agent']>()(['name', 'version']),
  volume: allKeys<VolumeProps>()(['mountpoint', 'device', 'fstype', 'size', 'inodes', 'bytesPerInode']),
  restoreVolume: allKeys<RestoreVolumeProps>()(['mountpoint', 'device', 'fstype', 'size', 'inodes', 'bytesPerInode']),
  backup: allKeys<BackupProps>()(['paths', 'expectedFiles', 'inodeHeadroom', 'restoreVolume']),
  filesystemThresholds: allKeys<FilesystemThresholdProps>()(['inodesFreeWarningPercent', 'inodesFreeCriticalPercent', 'spaceFreeWarningPercent', 'spaceFreeCriticalPercent']),
  queueThresholds: allKeys<QueueThresholdProps>()(['ageWarningSeconds', 'ageCriticalSeconds', 'messagesWarning']),
  contact: allKeys<ContactProps>()(['name', 'email']),
  exporters: allKeys<ExporterProps>()(['nodeExporterPort', 'processExporterPort', 'blackboxExporterPort', 'textfileDirectory']),
  selfHeal: allKeys<SelfHealProps>()(['minIntervalSeconds', 'checkIntervalSeconds']),
  endpoint: allKeys<EndpointProps>()(['host', 'port']),
  host: allKeys<HostBaseProps>()(['fqdn', 'location', 'platform', 'contacts', 'rootVolume', 'dataVolume', 'backup', 'filesystemThresholds', 'selfHeal', 'exporters', 'database']),
} as const;
