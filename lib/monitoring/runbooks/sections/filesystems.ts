/** Runbook sections for filesystem alerts: inodes (2014) and space. */
import type { VolumeModel } from '../../../model/types';
import { perClass, type HostFacts } from '../hosts';
import { block, code, sh, steps, table, word } from '../markdown';
import type { PageContext, Section } from '../types';

function role(facts: HostFacts, v: VolumeModel): string {
  if (v === facts.volumes.restore) return 'restores go here';
  if (v === facts.volumes.data) return `${facts.shape.service.kind} data`;
  if (v === facts.volumes.root) return 'root';
  return '';
}

function volumeTable(facts: HostFacts): string {
  return table(
    ['volume', 'mountpoint', 'device', 'fstype', 'size (bytes)', 'inodes', 'role'],
    facts.shape.volumes.map((v) => [v.name, code(v.mountpoint), code(v.device), v.fstype, String(v.sizeBytes), String(v.inodes), role(facts, v)]),
  );
}

/** Files per directory two levels below the mount point, the biggest last. */
export function filesPerDirectory(mountpoint: string): string {
  const depth = mountpoint.split('/').filter((p) => p !== '').length;
  return `find ${word(mountpoint)} -xdev -type f | cut -d/ -f2-${depth + 3} | sort | uniq -c | sort -n | tail`;
}

function restoreAdvice(facts: HostFacts): string {
  const restore = facts.volumes.restore;
  if (!restore) return 'Restore backups onto a volume of their own, never onto the root or data filesystem.';
  return `Restores go to the restore volume ${code(restore.mountpoint)} (its own inodes: ${restore.inodes}), never onto ${facts.shape.volumes
    .filter((v) => v !== restore)
    .map((v) => code(v.mountpoint))
    .join(' or ')}; copy back only the files you need from there.`;
}

function thresholds(facts: HostFacts, kind: 'inodes' | 'space'): string {
  const t = facts.shape.filesystemThresholds;
  return kind === 'inodes'
    ? `The host is configured to warn below ${t.inodesFreeWarningPercent}% free inodes and page below ${t.inodesFreeCriticalPercent}%.`
    : `The host is configured to warn below ${t.spaceFreeWarningPercent}% free space and page below ${t.spaceFreeCriticalPercent}%.`;
}

export function inodesSection(ctx: PageContext): Section {
  return {
    meaning:
      'A filesystem (labels _mountpoint_, _device_) is running out of inodes: every file, however small, takes ' +
      'one, and when none is left nothing on it can create a file, with space to spare. A burst alert means the ' +
      'inodes are being used up within the hour at the current rate: a restore, a runaway spool or a mail loop.',
    diagnosis: steps([
      `The host's filesystems:\n\n${perClass(ctx.classes, (f) => `${volumeTable(f)}\n\n${thresholds(f, 'inodes')}`)}`,
      `How many inodes are left on the filesystem of the alert:\n\n${perClass(ctx.classes, (f) => block(f.shape.volumes.map((v) => sh(['df', '-i', v.mountpoint]))))}`,
      `Where the files are (the directories with the most files last):\n\n${perClass(ctx.classes, (f) => block(f.shape.volumes.map((v) => filesPerDirectory(v.mountpoint))))}`,
      `A queue that grows is many small files. ${ctx.seeAlso('queue-messages', 'queue-age')}`,
      `Is a restore running, and where does it write? In 2014 a restore onto the root filesystem plus the mail queue used up its inodes in 36 minutes.`,
    ]),
    fix: steps([
      'Stop what creates the files (the restore, the loop) before anything else.',
      perClass(ctx.classes, restoreAdvice),
      'Remove what is safe to remove (stale backup copies, old logs, caches). Never remove queue files: each is a message.',
      perClass(ctx.classes, (f) =>
        f.shape.volumes.some((v) => v.fstype.startsWith('ext'))
          ? 'An ext filesystem has the inode count it was made with (`tune2fs -l <device>` shows it): more inodes need a new filesystem, or the files moved to another volume.'
          : 'If the filesystem cannot have more inodes, move the files to another volume.',
      ),
    ]),
    verify: steps([
      `Free inodes are back above the warning threshold:\n\n${perClass(ctx.classes, (f) => block(f.shape.volumes.map((v) => sh(['df', '-i', v.mountpoint]))))}`,
      `The service could not write while the inodes were gone: check it works again. ${ctx.seeAlso('runner', 'queue-age')}`,
    ]),
  };
}

export function spaceSection(ctx: PageContext): Section {
  return {
    meaning:
      'A filesystem (labels _mountpoint_, _device_) is running out of space, or filling up fast enough to run ' +
      'out soon. When it is full the service cannot queue or archive mail.',
    diagnosis: steps([
      `The host's filesystems:\n\n${perClass(ctx.classes, (f) => `${volumeTable(f)}\n\n${thresholds(f, 'space')}`)}`,
      `Space left, and what takes it (biggest last):\n\n${perClass(ctx.classes, (f) =>
        block(f.shape.volumes.flatMap((v) => [sh(['df', '-h', v.mountpoint]), `du -xh --max-depth=2 ${word(v.mountpoint)} | sort -h | tail`])),
      )}`,
      `Files deleted but still open keep their space: \`lsof +L1\`. A filesystem that went read-only shows \`ro\` in \`findmnt\`.`,
      `Inodes are a separate limit: ${ctx.seeAlso('inodes')}`,
    ]),
    fix: steps([
      'Stop what writes (a restore, a loop, a log in debug mode).',
      perClass(ctx.classes, restoreAdvice),
      'Remove or compress what is safe to (old logs, stale backup copies). Never remove queue files.',
      'Grow the volume if the data simply grew.',
    ]),
    verify: steps([
      `Space is back above the warning threshold:\n\n${perClass(ctx.classes, (f) => block(f.shape.volumes.map((v) => sh(['df', '-h', v.mountpoint]))))}`,
      ctx.seeAlso('runner', 'queue-age'),
    ]),
  };
}
