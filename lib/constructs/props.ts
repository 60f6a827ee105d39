/**
 * Props of the generic building blocks, usable for any service with
 * workers, queues and backups. Every optional field documents its default.
 */

/** Where the host stands. A maintenance in a place must find every host there. */
export interface LocationProps {
  /** Data centre or site, e.g. `dc1`. */
  readonly site: string;
  /** Row (switch domain) inside the site, e.g. `A`. */
  readonly row: string;
  /**
   * Rack inside the row.
   * @default - none
   */
  readonly rack?: string;
}

/** The platform the host runs: mandatory, so a fleet policy can keep hosts uniform. */
export interface PlatformProps {
  /** Operating system, e.g. `debian`. */
  readonly os: string;
  /** Release, e.g. `12`. */
  readonly release: string;
  /** Config-management agent, e.g. `{ name: 'puppet', version: '7' }`. */
  readonly agent: { readonly name: string; readonly version: string };
}

/** A filesystem on the host. */
export interface VolumeProps {
  /** Where it is mounted, e.g. `/srv/mailman3`. */
  readonly mountpoint: string;
  /** Block device, e.g. `/dev/vdb1`. */
  readonly device: string;
  /**
   * Filesystem type.
   * @default 'ext4'
   */
  readonly fstype?: string;
  /** Size: bytes, or a string such as `"100GiB"`. */
  readonly size: number | string;
  /**
   * Inodes the filesystem has.
   * @default - size / bytesPerInode
   */
  readonly inodes?: number;
  /**
   * Bytes per inode, used when `inodes` is not given.
   * @default 16384 (mke2fs's default for ext4)
   */
  readonly bytesPerInode?: number;
}

/** A volume that only receives restores. */
export interface RestoreVolumeProps extends VolumeProps {
  /**
   * Inodes to format it with.
   * @default - the backup's expected file count x inodeHeadroom
   */
  readonly inodes?: number;
}

/** The backup and where it is restored to. */
export interface BackupProps {
  /**
   * Paths the backup holds.
   * @default - the service's data and configuration directories
   */
  readonly paths?: readonly string[];
  /** Files in the backup (what a full restore creates). */
  readonly expectedFiles: number;
  /**
   * Restore volume inodes per backup file.
   * @default 2
   */
  readonly inodeHeadroom?: number;
  /** The restore target: its own volume, never `/` or the data volume. */
  readonly restoreVolume: RestoreVolumeProps;
}

/** Filesystem alert thresholds, in percent free. Tune them; they cannot be switched off. */
export interface FilesystemThresholdProps {
  /** @default 20 */
  readonly inodesFreeWarningPercent?: number;
  /** @default 5 */
  readonly inodesFreeCriticalPercent?: number;
  /** @default 20 */
  readonly spaceFreeWarningPercent?: number;
  /** @default 5 */
  readonly spaceFreeCriticalPercent?: number;
}

/** Queue alert thresholds. */
export interface QueueThresholdProps {
  /** @default 900 (15 minutes) */
  readonly ageWarningSeconds?: number;
  /** @default 1800 (30 minutes) */
  readonly ageCriticalSeconds?: number;
  /** @default 1000 */
  readonly messagesWarning?: number;
}

/** A person or team told about maintenance and outages. */
export interface ContactProps {
  readonly name: string;
  readonly email: string;
}

/** Exporters on the host. */
export interface ExporterProps {
  /** @default 9100 */
  readonly nodeExporterPort?: number;
  /** @default 9256 */
  readonly processExporterPort?: number;
  /** @default 9115 */
  readonly blackboxExporterPort?: number;
  /** @default '/var/lib/prometheus/node-exporter' (Debian's textfile directory) */
  readonly textfileDirectory?: string;
}

/** Self-healing of dead workers. It cannot be switched off, only paced. */
export interface SelfHealProps {
  /**
   * Least time between two restarts.
   * @default 1800 (30 minutes)
   */
  readonly minIntervalSeconds?: number;
  /**
   * How often the process groups are checked.
   * @default 60
   */
  readonly checkIntervalSeconds?: number;
}

/** An endpoint the service depends on. */
export interface EndpointProps {
  readonly host: string;
  readonly port: number;
}

/** What every host declares, whatever service it runs. */
export interface HostBaseProps {
  /** Fully qualified domain name; the `instance` label of every series. */
  readonly fqdn: string;
  readonly location: LocationProps;
  readonly platform: PlatformProps;
  /**
   * Who to tell about maintenance on this host.
   * @default []
   */
  readonly contacts?: readonly ContactProps[];
  /** The root filesystem. */
  readonly rootVolume: VolumeProps;
  /** The volume the service keeps its data and queues on. */
  readonly dataVolume: VolumeProps;
  readonly backup: BackupProps;
  /**
   * Free-space and free-inode thresholds of the host's filesystems. The
   * stack's alerting rules are fleet-wide, so every host of a stack must
   * have the same values (synthesize names two that differ); hosts that need
   * others go in a stack of their own.
   * @default - see FilesystemThresholdProps
   */
  readonly filesystemThresholds?: FilesystemThresholdProps;
  /** @default - see SelfHealProps */
  readonly selfHeal?: SelfHealProps;
  /** @default - see ExporterProps */
  readonly exporters?: ExporterProps;
  /**
   * Database the service depends on, probed over TCP from the host.
   * @default - none (no probe)
   */
  readonly database?: EndpointProps;
}
