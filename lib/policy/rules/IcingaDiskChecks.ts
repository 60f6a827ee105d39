/**
 * LH003: every volume gets an Icinga `disk` service with space and inode
 * thresholds (2014: Icinga checked space only), as the configuration as
 * written applies it to the host.
 */
import { macroText, type IcingaService } from '../artifacts/icinga2';
import { fromViolations, modelLocation, type RuleImplementation, type Violation } from '../types';
import { icingaFor, listing, violation } from './support';

/** Filesystem types the ITL `disk` command excludes when `disk_exclude_type` is not set. */
export const ITL_DISK_EXCLUDED_TYPES: readonly string[] = [
  'none', 'tmpfs', 'sysfs', 'proc', 'configfs', 'devtmpfs', 'devfs', 'mtmfs', 'tracefs', 'cgroup', 'fuse.gvfsd-fuse', 'fuse.gvfs-fuse-daemon', 'fdescfs', 'overlay', 'nsfs', 'squashfs',
];

function partitions(service: IcingaService): string[] {
  const value = service.vars.disk_partitions ?? service.vars.disk_partition;
  const list = Array.isArray(value) ? value : [value];
  return list.map(macroText).filter((p): p is string => p !== undefined);
}

/** `"20%"` -> 20; other forms (absolute units) -> undefined. */
function percent(value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : macroText(value);
  const m = text === undefined ? null : /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(text);
  return m ? Number(m[1]) : undefined;
}

function isSet(value: unknown): boolean {
  return (typeof value === 'string' && value.trim() !== '') || typeof value === 'number';
}

export const IcingaDiskChecks: RuleImplementation = {
  checkHost(host, ctx) {
    const access = icingaFor(host, ctx, 'filesystem');
    if (!access.ok) return access.result;
    const { config, host: object } = access.value;
    const disks = config.servicesFor(host.model.fqdn).filter((s) => macroText(s.checkCommand) === 'disk');
    const t = host.model.filesystemThresholds;
    const violations: Violation[] = [];
    host.model.volumes.forEach((volume, i) => {
      const where = [modelLocation(host, `/volumes/${i}`), { file: object.file, line: object.line }];
      const services = disks.filter((s) => partitions(s).includes(volume.mountpoint));
      if (services.length === 0) {
        violations.push(
          violation(
            `volume:${volume.mountpoint}`,
            `${host.model.fqdn}: no Icinga disk service checks ${volume.mountpoint} (${disks.length} disk services apply to the host, none with it in vars.disk_partitions)`,
            disks[0] ? { file: disks[0].file, line: disks[0].line } : { file: object.file, line: object.line },
            where,
          ),
        );
        return;
      }
      const problems: string[] = [];
      const service = services[0];
      const expected: [string, number][] = [
        ['disk_wfree', t.spaceFreeWarningPercent],
        ['disk_cfree', t.spaceFreeCriticalPercent],
        ['disk_inode_wfree', t.inodesFreeWarningPercent],
        ['disk_inode_cfree', t.inodesFreeCriticalPercent],
      ];
      for (const [name, want] of expected) {
        const value = service.vars[name];
        if (!isSet(value)) problems.push(`vars.${name} is not set`);
        else {
          const got = percent(value);
          if (got !== undefined && got !== want) problems.push(`vars.${name} is ${got}%, the model says ${want}%`);
        }
      }
      const exclude = service.vars.disk_exclude_type;
      const excluded = Array.isArray(exclude) ? exclude.map(macroText) : ITL_DISK_EXCLUDED_TYPES;
      if (excluded.includes(volume.fstype)) {
        problems.push(`its fstype ${volume.fstype} is excluded (${Array.isArray(exclude) ? 'vars.disk_exclude_type' : 'the ITL default; set vars.disk_exclude_type = [ ]'})`);
      }
      if (problems.length > 0) {
        violations.push(
          violation(
            `volume:${volume.mountpoint}`,
            `${host.model.fqdn}: Icinga service "${service.name}" for ${volume.mountpoint}: ${listing(problems)}`,
            { file: service.file, line: service.line },
            where,
          ),
        );
      }
    });
    return fromViolations(violations);
  },
};
