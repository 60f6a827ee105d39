/**
 * The rendered prepare-restore-volume script run for real, as root, on loop
 * devices: it formats a blank volume with the inode count the backup needs
 * (real mkfs.ext4, checked with tune2fs), and refuses, leaving the device as
 * it was, a disk with a partition table (sfdisk), a volume with another
 * filesystem (mkswap), and an ext4 volume with too few inodes.
 *
 * The last lines of the script mount the volume through systemd, which this
 * machine does not run as PID 1: the formatting case runs the script up to
 * its `mkdir -p`. The refusals exit before that line, so they run it whole.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { HostModel } from '../../lib/model/types';
import { renderPrepareRestoreVolume, requiredRestoreInodes } from '../../lib/render/restore-volume';
import { exampleHostModel } from '../fixtures/host-model';
import { run } from '../helpers/run';

const MiB = 1024 * 1024;

function must(command: string, args: readonly string[], input?: string): string {
  const r = run(command, args, { input });
  assert.equal(r.status, 0, `${command} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A host whose restore volume is `device`, `sizeBytes` large, to be formatted with `inodes` for a backup needing `required`. */
function hostOn(device: string, sizeBytes: number, inodes: number, required: number): HostModel {
  const base = exampleHostModel();
  return {
    ...base,
    volumes: base.volumes.map((v) => (v.name === base.backup.restoreVolume ? { ...v, device, sizeBytes, inodes } : v)),
    backup: { ...base.backup, expectedFiles: required, inodeHeadroom: 1 },
  };
}

const blkid = (device: string, tag: string) => run('blkid', ['-o', 'value', '-s', tag, '--', device]).stdout.trim();
const inodeCount = (device: string) => Number(/^Inode count:\s+(\d+)$/m.exec(must('tune2fs', ['-l', device]))![1]);

describe('prepare-restore-volume on loop devices', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'listhost-restore-'));
  const loops: string[] = [];

  /** A fresh 64 MiB loop device (partitions scanned), detached after the suite. */
  function loopDevice(name: string): string {
    const image = join(scratch, `${name}.img`);
    must('truncate', ['-s', String(64 * MiB), image]);
    const device = must('losetup', ['--find', '--show', '--partscan', image]).trim();
    loops.push(device);
    return device;
  }

  function prepare(host: HostModel, options: { beforeMount?: boolean } = {}): { status: number | null; stderr: string } {
    let script = renderPrepareRestoreVolume(host);
    if (options.beforeMount) script = script.slice(0, script.indexOf('\nmkdir -p')) + '\n';
    const file = join(scratch, `prepare-${loops.length}.sh`);
    writeFileSync(file, script);
    return run('sh', [file]);
  }

  before(() => {
    must('losetup', ['--version']);
  });
  after(() => {
    for (const device of loops) run('losetup', ['--detach', device]);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('formats a blank volume with the inodes the backup needs', () => {
    const device = loopDevice('blank');
    const host = hostOn(device, 64 * MiB, 20_000, 15_000);
    const r = prepare(host, { beforeMount: true });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`formatting ${device} as ext4 with at least 20000 inodes`));
    assert.equal(blkid(device, 'TYPE'), 'ext4');
    assert.equal(blkid(device, 'LABEL'), 'listhost-restore');
    // mke2fs alone, asked for 20,000 here, formats 19,968 (rounded per block group).
    assert.ok(inodeCount(device) >= 20_000, `inode count ${inodeCount(device)}`);
    assert.ok(inodeCount(device) >= requiredRestoreInodes(host));
    // Run again: the volume is ext4 with enough inodes, so it is kept, not formatted again.
    must('tune2fs', ['-L', 'kept', device]);
    const again = prepare(host, { beforeMount: true });
    assert.equal(again.status, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /formatting/);
    assert.equal(blkid(device, 'LABEL'), 'kept');
  });

  it('refuses a disk with a partition table, and leaves it as it was', () => {
    const device = loopDevice('partitioned');
    must('sfdisk', ['--quiet', device], 'label: dos\n,32M\n');
    must('partx', ['--add', device]);
    const r = prepare(hostOn(device, 64 * MiB, 20_000, 15_000));
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`${device} has a dos partition table: refusing to format a disk that holds partitions`));
    assert.equal(blkid(device, 'PTTYPE'), 'dos');
    assert.equal(blkid(device, 'TYPE'), '');
    assert.ok(must('lsblk', ['-n', '-o', 'NAME', device]).trim().split('\n').length >= 2, 'the partition is still there');
  });

  it('refuses a disk with a partition but no partition table on it, and leaves it as it was', () => {
    const device = loopDevice('kernel-partition');
    // The kernel knows a partition (BLKPG) that no on-disk table describes: blkid sees neither TYPE nor PTTYPE.
    must('addpart', [device, '1', '2048', '4096']);
    assert.equal(blkid(device, 'PTTYPE'), '');
    const r = prepare(hostOn(device, 64 * MiB, 20_000, 15_000));
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`${device} has partitions or holders \\(lsblk\\): refusing to format it`));
    assert.equal(blkid(device, 'TYPE'), '');
  });

  it('refuses a volume that holds another filesystem', () => {
    const device = loopDevice('swap');
    must('mkswap', [device]);
    const r = prepare(hostOn(device, 64 * MiB, 20_000, 15_000));
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`${device} holds swap, expected ext4: refusing to format a volume that has data`));
    assert.equal(blkid(device, 'TYPE'), 'swap');
  });

  it('refuses an ext4 volume with fewer inodes than the backup needs, without formatting it', () => {
    const device = loopDevice('small');
    must('mkfs.ext4', ['-q', '-N', '4096', '-L', 'existing', device]);
    const have = inodeCount(device);
    const r = prepare(hostOn(device, 64 * MiB, 20_000, 15_000));
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`${device} has ${have} inodes, the backup needs 15000: reformat it with more`));
    assert.equal(blkid(device, 'LABEL'), 'existing');
    assert.equal(inodeCount(device), have);
  });
});
