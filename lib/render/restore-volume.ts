/**
 * The backup restore target: a volume of its own, formatted with enough
 * inodes for the backup's file count with headroom, mounted at its own
 * mount point. In 2014 a restore onto the root filesystem plus the mail
 * queue exhausted the root filesystem's inodes.
 */
import type { HostModel, VolumeModel } from '../model/types';
import { LISTHOST_LIBEXEC } from './queue-collector';
import { generatedHeader, shq, type RootfsFile } from './shell';
import { mountUnitName, SYSTEMD_DIRECTORY } from './systemd';

export const PREPARE_RESTORE_VOLUME = `${LISTHOST_LIBEXEC}/prepare-restore-volume`;

export function restoreVolume(host: HostModel): VolumeModel {
  const volume = host.volumes.find((v) => v.name === host.backup.restoreVolume);
  if (!volume) throw new Error(`${host.fqdn}: backup.restoreVolume names '${host.backup.restoreVolume}', which is not one of its volumes`);
  return volume;
}

/** Inodes the restore volume must have: the backup's files times the headroom. */
export function requiredRestoreInodes(host: HostModel): number {
  return Math.ceil(host.backup.expectedFiles * host.backup.inodeHeadroom);
}

export function renderMountUnit(volume: VolumeModel): string {
  return `${generatedHeader('#', `restore target ${volume.mountpoint}`)}[Unit]
Description=Backup restore target on its own volume (${volume.mountpoint})
Documentation=https://github.com/cdktf-listhost/cdktf-listhost#restore-volume

[Mount]
What=${volume.device}
Where=${volume.mountpoint}
Type=${volume.fstype}
Options=defaults,nodev,nosuid

[Install]
WantedBy=local-fs.target
`;
}

/**
 * What mkfs is asked for: mke2fs rounds the count per block group, on a
 * 1 KiB-block filesystem down to a multiple of 8 (64 MiB with `-N 20000`
 * gets 19,968). Up to 8 more per group of 8 MiB (the smallest groups) keeps
 * the result at or above `inodes`.
 */
export function mkfsInodes(volume: VolumeModel): number {
  return volume.inodes + 8 * Math.ceil(volume.sizeBytes / (8 * 1024 * 1024));
}

export function renderPrepareRestoreVolume(host: HostModel): string {
  const volume = restoreVolume(host);
  return `#!/bin/sh
${generatedHeader('#', 'formats (once) and mounts the restore volume of this host')}
set -eu
device=${shq(volume.device)}
mountpoint=${shq(volume.mountpoint)}
fstype=${shq(volume.fstype)}
inodes=${volume.inodes}
mkfs_inodes=${mkfsInodes(volume)}
required=${requiredRestoreInodes(host)}
unit=${shq(mountUnitName(volume.mountpoint))}

current=$(blkid -o value -s TYPE -- "$device" 2>/dev/null || true)
if [ -z "$current" ]; then
  # No filesystem is not the same as empty: a disk that holds partitions has none either.
  table=$(blkid -o value -s PTTYPE -- "$device" 2>/dev/null || true)
  if [ -n "$table" ]; then
    echo "$device has a $table partition table: refusing to format a disk that holds partitions" >&2
    exit 1
  fi
  if [ "$(lsblk -n -o NAME -- "$device" 2>/dev/null | wc -l)" -gt 1 ]; then
    echo "$device has partitions or holders (lsblk): refusing to format it" >&2
    exit 1
  fi
  echo "formatting $device as $fstype with at least $inodes inodes" >&2
  mkfs -t "$fstype" -q -N "$mkfs_inodes" -L listhost-restore -- "$device"
elif [ "$current" != "$fstype" ]; then
  echo "$device holds $current, expected $fstype: refusing to format a volume that has data" >&2
  exit 1
fi
have=$(tune2fs -l "$device" | awk -F: '/^Inode count/ { gsub(/[^0-9]/, "", $2); print $2 }')
if [ "\${have:-0}" -lt "$required" ]; then
  echo "$device has \${have:-0} inodes, the backup needs $required: reformat it with more (mkfs -N) before restoring" >&2
  exit 1
fi
mkdir -p -- "$mountpoint"
systemctl daemon-reload
systemctl enable --now -- "$unit"
`;
}

export function restoreVolumeFiles(host: HostModel): RootfsFile[] {
  const volume = restoreVolume(host);
  return [
    { path: `${SYSTEMD_DIRECTORY}/${mountUnitName(volume.mountpoint)}`, mode: 0o644, content: renderMountUnit(volume) },
    { path: PREPARE_RESTORE_VOLUME, mode: 0o755, content: renderPrepareRestoreVolume(host) },
  ];
}
