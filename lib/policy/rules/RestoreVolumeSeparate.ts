/**
 * LH009: the backup restore target is a volume of its own: not `/`, not the
 * data volume, on a device no other volume uses (nor the whole disk of
 * another volume's partition, nor a partition of a disk another volume uses
 * whole), and provisioned with a mount unit for exactly that device and
 * mount point. 2014: configs were restored onto the root filesystem.
 */
import { deviceOverlap } from '../../model/volumes';
import { mountUnitName, SYSTEMD_DIRECTORY } from '../../render/systemd';
import { rootfsPath } from '../stack';
import { fromViolations, modelLocation, type RuleImplementation, type Violation } from '../types';
import { violation } from './support';

export const RestoreVolumeSeparate: RuleImplementation = {
  checkHost(host) {
    const { model } = host;
    const index = model.volumes.findIndex((v) => v.name === model.backup.restoreVolume);
    if (index < 0) {
      return fromViolations([
        violation(
          'restore:missing',
          `${model.fqdn}: backup.restoreVolume names '${model.backup.restoreVolume}', which is not one of its volumes (${model.volumes.map((v) => v.name).join(', ')})`,
          modelLocation(host, '/backup/restoreVolume'),
        ),
      ]);
    }
    const restore = model.volumes[index];
    const at = modelLocation(host, `/volumes/${index}`);
    const violations: Violation[] = [];
    if (restore.mountpoint === '/') {
      violations.push(violation('restore:root', `${model.fqdn}: the restore volume '${restore.name}' is mounted at /: a restore would fill the root filesystem`, modelLocation(host, `/volumes/${index}/mountpoint`)));
    }
    const data = model.volumes.find((v) => v.name === model.dataVolume);
    if (restore.name === model.dataVolume || (data && data.mountpoint === restore.mountpoint)) {
      violations.push(
        violation('restore:data', `${model.fqdn}: the restore volume is the data volume (${restore.mountpoint}): a restore would fill the filesystem the service runs on`, modelLocation(host, '/backup/restoreVolume')),
      );
    }
    model.volumes.forEach((other, i) => {
      if (i === index) return;
      if (other.mountpoint === restore.mountpoint && other.name !== model.dataVolume) {
        violations.push(violation(`restore:mountpoint:${other.name}`, `${model.fqdn}: the restore volume shares mount point ${restore.mountpoint} with volume '${other.name}'`, at, [modelLocation(host, `/volumes/${i}`)]));
      }
      const overlap = deviceOverlap(restore.device, other.device);
      if (overlap !== undefined) {
        const what =
          overlap === 'same'
            ? `is on ${restore.device}, the device of volume '${other.name}' (${other.mountpoint}): a restore would use up that filesystem's space and inodes`
            : `on ${restore.device} overlaps volume '${other.name}' on ${other.device} (${other.mountpoint}): one is the whole disk the other is a partition of, so formatting the restore volume destroys it`;
        violations.push(violation(`restore:device:${other.name}`, `${model.fqdn}: the restore volume ${what}`, modelLocation(host, `/volumes/${index}/device`), [modelLocation(host, `/volumes/${i}/device`)]));
      }
    });
    if (host.stack && restore.mountpoint !== '/') {
      const unitPath = `${SYSTEMD_DIRECTORY}/${mountUnitName(restore.mountpoint)}`;
      const unit = host.stack.index.rootfs(model.fqdn, unitPath);
      const file = host.stack.artifacts.display(rootfsPath(model.fqdn, unitPath));
      if (unit === undefined) {
        violations.push(violation('restore:unit-missing', `${model.fqdn}: the mount unit ${unitPath} of the restore volume is not in the host's rootfs, so it is never mounted`, { file }, [at]));
      } else {
        const lines = unit.split('\n');
        for (const [key, want] of [['What', restore.device], ['Where', restore.mountpoint]] as const) {
          const line = lines.findIndex((l) => l.startsWith(`${key}=`));
          const got = line < 0 ? undefined : lines[line].slice(key.length + 1).trim();
          if (got !== want) {
            violations.push(
              violation(
                `restore:unit:${key}`,
                `${model.fqdn}: ${unitPath} has ${key}=${got ?? '(none)'}, the restore volume is ${want}`,
                { file, line: line < 0 ? 1 : line + 1 },
                [at],
              ),
            );
          }
        }
      }
    }
    return fromViolations(violations);
  },
};
