/**
 * LH010: the restore volume has inodes for the backup's files with
 * headroom, no more than its size can hold (mkfs would fail), and the
 * provisioning script formats it so and refuses a volume with fewer.
 * 2014: the restored files exhausted the filesystem's inodes.
 */
import { maxInodes, MIN_BYTES_PER_INODE } from '../../model/volumes';
import { PREPARE_RESTORE_VOLUME } from '../../render/restore-volume';
import { rootfsPath } from '../stack';
import { fromViolations, modelLocation, notApplicable, type RuleImplementation, type Violation } from '../types';
import { violation } from './support';

function shellNumber(script: string, name: string): { value: number; line: number } | undefined {
  const lines = script.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = new RegExp(`^${name}=['"]?(\\d+)['"]?\\s*$`).exec(lines[i]);
    if (m) return { value: Number(m[1]), line: i + 1 };
  }
  return undefined;
}

export const RestoreVolumeInodes: RuleImplementation = {
  checkHost(host) {
    const { model } = host;
    const index = model.volumes.findIndex((v) => v.name === model.backup.restoreVolume);
    if (index < 0) return notApplicable(`backup.restoreVolume '${model.backup.restoreVolume}' is not a volume (see LH009)`);
    const volume = model.volumes[index];
    const required = Math.ceil(model.backup.expectedFiles * model.backup.inodeHeadroom);
    const violations: Violation[] = [];
    if (volume.inodes < required) {
      violations.push(
        violation(
          'restore:inodes',
          `${model.fqdn}: the restore volume ${volume.mountpoint} has ${volume.inodes} inodes; the backup's ${model.backup.expectedFiles} files x headroom ${model.backup.inodeHeadroom} need ${required}`,
          modelLocation(host, `/volumes/${index}/inodes`),
          [modelLocation(host, '/backup/expectedFiles')],
        ),
      );
    }
    const most = maxInodes(volume.sizeBytes);
    if (volume.inodes > most) {
      violations.push(
        violation(
          'restore:inodes-fit',
          `${model.fqdn}: the restore volume ${volume.mountpoint} is to be formatted with ${volume.inodes} inodes, more than the ${most} its ${volume.sizeBytes} bytes can hold (one per ${MIN_BYTES_PER_INODE} bytes, mke2fs's smallest ratio): mkfs would fail at terraform apply`,
          modelLocation(host, `/volumes/${index}/inodes`),
          [modelLocation(host, `/volumes/${index}/sizeBytes`)],
        ),
      );
    }
    if (host.stack) {
      const script = host.stack.index.rootfs(model.fqdn, PREPARE_RESTORE_VOLUME);
      const file = host.stack.artifacts.display(rootfsPath(model.fqdn, PREPARE_RESTORE_VOLUME));
      if (script === undefined) {
        violations.push(violation('restore:script-missing', `${model.fqdn}: ${PREPARE_RESTORE_VOLUME} is not in the host's rootfs, so nothing formats the restore volume with enough inodes`, { file }));
      } else {
        const inodes = shellNumber(script, 'inodes');
        const need = shellNumber(script, 'required');
        if (!need || need.value < required) {
          violations.push(
            violation(
              'restore:script-required',
              `${model.fqdn}: ${PREPARE_RESTORE_VOLUME} accepts a volume with ${need ? need.value : 'any number of'} inodes; the backup needs ${required}`,
              { file, line: need?.line ?? 1 },
            ),
          );
        }
        if (!inodes || inodes.value < required) {
          violations.push(
            violation(
              'restore:script-inodes',
              `${model.fqdn}: ${PREPARE_RESTORE_VOLUME} formats the volume with ${inodes ? inodes.value : 'the default number of'} inodes; the backup needs ${required}`,
              { file, line: inodes?.line ?? 1 },
            ),
          );
        }
      }
    }
    return fromViolations(violations);
  },
};
