/**
 * Resolves the generic host props to the plain host model: defaults applied
 * once, every value checked, errors naming the prop.
 */
import { propErrors } from '../errors';
import { EXPECTED } from '../model/expected-values';
import type { HostModel, ServiceModel, VolumeModel } from '../model/types';
import { deviceOverlap, diskOf, maxInodes, MIN_BYTES_PER_INODE } from '../model/volumes';
import { checkKnownProps, PROP_KEYS } from './known-props';
import type { HostBaseProps, VolumeProps } from './props';
import {
  checkBytes, checkEmail, checkFqdn, checkInteger, checkName, checkPath, checkPercent, checkText, checkUrl,
} from './prop-checks';

export const DEFAULT_BYTES_PER_INODE = 16384;
export const DEFAULT_INODE_HEADROOM = 2;

export const DEFAULT_FILESYSTEM_THRESHOLDS = {
  inodesFreeWarningPercent: 20,
  inodesFreeCriticalPercent: 5,
  spaceFreeWarningPercent: 20,
  spaceFreeCriticalPercent: 5,
} as const;

export const DEFAULT_EXPORTERS = {
  nodeExporterPort: 9100,
  processExporterPort: 9256,
  blackboxExporterPort: 9115,
  textfileDirectory: '/var/lib/prometheus/node-exporter',
} as const;

export const DEFAULT_SELF_HEAL = { minIntervalSeconds: 1800, checkIntervalSeconds: 60, stateDirectory: '/var/lib/listhost' } as const;

const FSTYPE = /^[a-z0-9]{2,16}$/;

function resolveVolume(construct: string, prop: string, name: string, props: VolumeProps | undefined, managed: boolean, inodesDefault?: number): VolumeModel {
  if (props === undefined || typeof props !== 'object') throw propErrors.required(construct, prop, '{ mountpoint, device, size }');
  checkKnownProps(construct, prop, props, managed ? PROP_KEYS.restoreVolume : PROP_KEYS.volume, managed ? 'a restore volume' : 'a volume');
  const fstype = props.fstype ?? 'ext4';
  if (!FSTYPE.test(fstype)) throw propErrors.invalid(construct, `${prop}.fstype`, fstype, EXPECTED.fstype);
  if (managed && fstype !== 'ext4') {
    throw propErrors.invalid(construct, `${prop}.fstype`, fstype, '"ext4": the restore volume is formatted with a fixed inode count (mkfs -N), which ext4 supports');
  }
  const sizeBytes = checkBytes(construct, `${prop}.size`, props.size);
  const bytesPerInode = checkInteger(construct, `${prop}.bytesPerInode`, props.bytesPerInode ?? DEFAULT_BYTES_PER_INODE, 1024, 67108864);
  const inodes = checkInteger(construct, `${prop}.inodes`, props.inodes ?? inodesDefault ?? Math.floor(sizeBytes / bytesPerInode), 1);
  return {
    name,
    mountpoint: checkPath(construct, `${prop}.mountpoint`, props.mountpoint),
    device: checkPath(construct, `${prop}.device`, props.device),
    fstype,
    sizeBytes,
    inodes,
    managed,
  };
}

function assertSeparate(construct: string, restore: VolumeModel, other: VolumeModel, otherProp: string): void {
  const why = 'restores must go to a volume of their own, so a restore cannot exhaust the inodes the service needs (2014)';
  const overlap = deviceOverlap(restore.device, other.device);
  if (restore.mountpoint === other.mountpoint || overlap === 'same') {
    throw propErrors.conflict(construct, 'backup.restoreVolume', { mountpoint: restore.mountpoint, device: restore.device },
      `shares its ${restore.mountpoint === other.mountpoint ? 'mount point' : 'device'} with ${otherProp}: ${why}`);
  }
  if (overlap === 'contains') {
    const which = diskOf(other.device) === restore.device
      ? `is the disk that holds ${otherProp} (${other.device}): formatting it would destroy that volume`
      : `is a partition of ${other.device}, the whole disk ${otherProp} uses: the two cannot both hold a filesystem`;
    throw propErrors.conflict(construct, 'backup.restoreVolume.device', restore.device, `${which}; ${why}`);
  }
}

/** The restore volume's inode count fits the size mkfs gets (the lint checks the same, LH010). */
function assertInodesFit(construct: string, volume: VolumeModel, props: VolumeProps): void {
  const most = maxInodes(volume.sizeBytes);
  if (volume.inodes <= most) return;
  const holds = `the ${most} inodes a ${JSON.stringify(props.size)} ext4 volume can hold (one per ${MIN_BYTES_PER_INODE} bytes, mke2fs's smallest ratio), so mkfs would fail at terraform apply`;
  if (props.inodes !== undefined) throw propErrors.conflict(construct, 'backup.restoreVolume.inodes', volume.inodes, `is more than ${holds}; lower it or make the volume larger`);
  throw propErrors.conflict(construct, 'backup.restoreVolume.size', props.size,
    `is too small: the backup needs ${volume.inodes} inodes (backup.expectedFiles x inodeHeadroom), more than ${holds}; make the volume larger`);
}

/** The host model, from the generic props and the resolved service. */
export function resolveHost(construct: string, props: HostBaseProps, service: ServiceModel, webUrl: string | null): HostModel {
  if (props === undefined || typeof props !== 'object') throw propErrors.required(construct, 'props', 'the host props');
  const fqdn = checkFqdn(construct, 'fqdn', props.fqdn);
  if (!props.location) throw propErrors.required(construct, 'location', '{ site, row }: a maintenance in a place must find every host there');
  if (!props.platform) throw propErrors.required(construct, 'platform', '{ os, release, agent: { name, version } }');
  if (!props.platform.agent) throw propErrors.required(construct, 'platform.agent', '{ name, version } of the config-management agent');
  if (!props.backup) throw propErrors.required(construct, 'backup', '{ expectedFiles, restoreVolume }');
  checkKnownProps(construct, 'location', props.location, PROP_KEYS.location, 'location');
  checkKnownProps(construct, 'platform', props.platform, PROP_KEYS.platform, 'platform');
  checkKnownProps(construct, 'platform.agent', props.platform.agent, PROP_KEYS.agent, 'platform.agent');
  checkKnownProps(construct, 'backup', props.backup, PROP_KEYS.backup, 'backup');
  checkKnownProps(construct, 'filesystemThresholds', props.filesystemThresholds, PROP_KEYS.filesystemThresholds, 'filesystemThresholds');
  checkKnownProps(construct, 'selfHeal', props.selfHeal, PROP_KEYS.selfHeal, 'selfHeal');
  checkKnownProps(construct, 'exporters', props.exporters, PROP_KEYS.exporters, 'exporters');
  checkKnownProps(construct, 'database', props.database, PROP_KEYS.endpoint, 'database');
  (props.contacts ?? []).forEach((contact, i) => checkKnownProps(construct, `contacts[${i}]`, contact, PROP_KEYS.contact, 'a contact'));

  const root = resolveVolume(construct, 'rootVolume', 'root', props.rootVolume, false);
  if (root.mountpoint !== '/') throw propErrors.invalid(construct, 'rootVolume.mountpoint', root.mountpoint, '"/"');
  const data = resolveVolume(construct, 'dataVolume', 'data', props.dataVolume, false);
  if (data.mountpoint === '/') throw propErrors.invalid(construct, 'dataVolume.mountpoint', data.mountpoint, 'a mount point other than "/"');
  const expectedFiles = checkInteger(construct, 'backup.expectedFiles', props.backup.expectedFiles, 1);
  const inodeHeadroom = props.backup.inodeHeadroom ?? DEFAULT_INODE_HEADROOM;
  if (typeof inodeHeadroom !== 'number' || !(inodeHeadroom >= 1 && inodeHeadroom <= 100)) {
    throw propErrors.invalid(construct, 'backup.inodeHeadroom', inodeHeadroom, 'a number from 1 to 100 (restore volume inodes per backup file)');
  }
  const required = Math.ceil(expectedFiles * inodeHeadroom);
  const restore = resolveVolume(construct, 'backup.restoreVolume', 'restore', props.backup.restoreVolume, true, required);
  assertSeparate(construct, restore, root, 'rootVolume');
  assertSeparate(construct, restore, data, 'dataVolume');
  assertInodesFit(construct, restore, props.backup.restoreVolume);
  if (restore.inodes < required) {
    throw propErrors.conflict(construct, 'backup.restoreVolume.inodes', restore.inodes,
      `is fewer than the ${required} a restore needs (backup.expectedFiles ${expectedFiles} x inodeHeadroom ${inodeHeadroom}); raise it or leave it unset`);
  }
  const backupPaths = (props.backup.paths ?? [data.mountpoint, service.configFile.slice(0, service.configFile.lastIndexOf('/')) || '/'])
    .map((path, i) => checkPath(construct, `backup.paths[${i}]`, path))
    // A set: declared order must not reach the output (code-unit order, locale-independent).
    .sort();

  const fs = { ...DEFAULT_FILESYSTEM_THRESHOLDS, ...props.filesystemThresholds };
  for (const [key, value] of Object.entries(fs)) checkPercent(construct, `filesystemThresholds.${key}`, value);
  if (fs.inodesFreeCriticalPercent >= fs.inodesFreeWarningPercent) {
    throw propErrors.conflict(construct, 'filesystemThresholds.inodesFreeCriticalPercent', fs.inodesFreeCriticalPercent, `must be below inodesFreeWarningPercent (${fs.inodesFreeWarningPercent})`);
  }
  if (fs.spaceFreeCriticalPercent >= fs.spaceFreeWarningPercent) {
    throw propErrors.conflict(construct, 'filesystemThresholds.spaceFreeCriticalPercent', fs.spaceFreeCriticalPercent, `must be below spaceFreeWarningPercent (${fs.spaceFreeWarningPercent})`);
  }

  const exporters = { ...DEFAULT_EXPORTERS, ...props.exporters };
  for (const key of ['nodeExporterPort', 'processExporterPort', 'blackboxExporterPort'] as const) {
    checkInteger(construct, `exporters.${key}`, exporters[key], 1, 65535);
  }
  checkPath(construct, 'exporters.textfileDirectory', exporters.textfileDirectory);

  const selfHeal = { ...DEFAULT_SELF_HEAL, ...props.selfHeal };
  checkInteger(construct, 'selfHeal.minIntervalSeconds', selfHeal.minIntervalSeconds, 60, 86400);
  checkInteger(construct, 'selfHeal.checkIntervalSeconds', selfHeal.checkIntervalSeconds, 10, 3600);

  const database = props.database
    ? {
        host: checkName(construct, 'database.host', props.database.host),
        port: checkInteger(construct, 'database.port', props.database.port, 1, 65535),
      }
    : null;

  return {
    schemaVersion: 1,
    fqdn,
    location: {
      site: checkName(construct, 'location.site', props.location.site),
      row: checkName(construct, 'location.row', props.location.row),
      rack: props.location.rack === undefined ? null : checkName(construct, 'location.rack', props.location.rack),
    },
    platform: {
      os: checkName(construct, 'platform.os', props.platform.os),
      release: checkName(construct, 'platform.release', props.platform.release),
      agent: {
        name: checkName(construct, 'platform.agent.name', props.platform.agent.name),
        version: checkName(construct, 'platform.agent.version', props.platform.agent.version),
      },
    },
    contacts: (props.contacts ?? []).map((contact, i) => ({
      name: checkText(construct, `contacts[${i}].name`, contact.name, 'a name'),
      email: checkEmail(construct, `contacts[${i}].email`, contact.email),
    })),
    volumes: [root, data, restore],
    dataVolume: data.name,
    filesystemThresholds: fs,
    service,
    selfHeal,
    backup: { paths: backupPaths, expectedFiles, restoreVolume: restore.name, inodeHeadroom },
    exporters,
    webUrl: webUrl === null ? null : checkUrl(construct, 'webUrl', webUrl),
    database,
  };
}
