/**
 * What the constructs and the lint both check about a host's volumes
 * before anything is formatted: whether two volumes live on the same disk,
 * and how many inodes an ext4 filesystem of a size can hold.
 *
 * The restore volume is the one the library formats (mkfs -N). Formatting a
 * whole disk that holds the data partition, or asking mkfs for more inodes
 * than the size allows, fails at `terraform apply` at best; these checks
 * move both failures to synth and lint.
 */

/**
 * mke2fs's smallest bytes-per-inode ratio (`-i`, EXT2_MIN_BLOCK_SIZE): an
 * inode count above size / 1024 is refused, or leaves no room for data.
 */
export const MIN_BYTES_PER_INODE = 1024;

/** The most inodes an ext4 volume of this size is formatted with here. */
export function maxInodes(sizeBytes: number): number {
  return Math.floor(sizeBytes / MIN_BYTES_PER_INODE);
}

// /dev/sdb1, /dev/vdb1, /dev/xvdb1, /dev/hdb1: the disk is the name without the digits.
const LETTERED_PARTITION = /^(\/dev\/(?:sd|vd|xvd|hd)[a-z]+)[0-9]+$/;
// /dev/nvme0n1p1, /dev/mmcblk0p1, /dev/loop0p1, /dev/nbd0p1, /dev/md0p1: the disk ends in a digit, then pN.
const NUMBERED_PARTITION = /^(\/dev\/(?:nvme[0-9]+n[0-9]+|mmcblk[0-9]+|loop[0-9]+|nbd[0-9]+|md[0-9]+))p[0-9]+$/;

/**
 * The whole disk a partition's device node belongs to (`/dev/vdb1` ->
 * `/dev/vdb`); any other path (a whole disk, `/dev/mapper/…`,
 * `/dev/disk/by-uuid/…`) is returned as given, since its disk cannot be
 * told from the name.
 */
export function diskOf(device: string): string {
  const m = LETTERED_PARTITION.exec(device) ?? NUMBERED_PARTITION.exec(device);
  return m ? m[1] : device;
}

/**
 * How two volumes' devices overlap: `same` device, one is the whole disk
 * that `contains` the other's partition, or undefined (separate, as two
 * partitions of one disk are: each is a filesystem with inodes of its own).
 */
export function deviceOverlap(a: string, b: string): 'same' | 'contains' | undefined {
  if (a === b) return 'same';
  if (diskOf(a) === b || diskOf(b) === a) return 'contains';
  return undefined;
}
