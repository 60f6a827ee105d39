/**
 * The plain host model: what every construct resolves to, what renderers,
 * policy rules and the jsonnet mixin read, and what `hosts/<fqdn>/host.json`
 * holds. JSON-able, no cdktf types; kept in step with
 * `lib/schema/host.schema.json` by a test.
 */

/** Where a host stands; a maintenance in a place must find every host there. */
export interface LocationModel {
  readonly site: string;
  readonly row: string;
  readonly rack: string | null;
}

/** What a host runs: OS and its release, config-management agent and version. */
export interface PlatformModel {
  readonly os: string;
  readonly release: string;
  readonly agent: { readonly name: string; readonly version: string };
}

/** A filesystem on the host. */
export interface VolumeModel {
  /** Short name, unique per host (`root`, `data`, `restore`). */
  readonly name: string;
  readonly mountpoint: string;
  readonly device: string;
  readonly fstype: string;
  readonly sizeBytes: number;
  /** Inode count the filesystem has (or is formatted with). */
  readonly inodes: number;
  /** Whether provisioning formats and mounts it (the restore volume), or it exists already. */
  readonly managed: boolean;
}

/** Alert thresholds for filesystems (percent free). */
export interface FilesystemThresholdsModel {
  readonly inodesFreeWarningPercent: number;
  readonly inodesFreeCriticalPercent: number;
  readonly spaceFreeWarningPercent: number;
  readonly spaceFreeCriticalPercent: number;
}

/**
 * A group of processes that must be alive: one Mailman runner, the master,
 * Postfix's qmgr. `groupname` is the process-exporter group name.
 */
export interface ProcessGroupModel {
  readonly groupname: string;
  /** What the group is, for humans and runbooks (`runner out`, `master`). */
  readonly role: string;
  /** Processes expected alive (instances; 1 + workers for Mailman's REST runner). */
  readonly expectedProcesses: number;
  /** Regular expression (RE2/POSIX ERE compatible) over the space-joined command line. */
  readonly cmdlineRegex: string;
  /** `pgrep -f` pattern (POSIX ERE) that finds the group's processes, for checks and self-heal. */
  readonly pgrepPattern: string;
  /** User the processes run as. */
  readonly user: string;
  /** `critical` pages a human; the contract says a dead runner does. */
  readonly severity: 'critical' | 'warning';
  /**
   * Who counts the group's live processes for the alerts: process-exporter
   * (a `namedprocess_namegroup_*` group), or the host's textfile collector
   * with `pgrep` (`<prefix>_process_group_live_processes{groupname}`). A
   * supervisor whose forked workers carry its command line until they exec
   * (Mailman's master) is counted by the collector: process-exporter names a
   * process once, so a worker it first saw before the exec would count in
   * the supervisor's group for its whole life.
   */
  readonly countedBy: ProcessCounter;
}

/** Who counts a process group's live processes (see ProcessGroupModel.countedBy). */
export type ProcessCounter = 'process-exporter' | 'collector';

/** A spool directory whose files are messages. */
export interface QueueModel {
  readonly name: string;
  readonly directory: string;
  /** Whether this queue's oldest-message age pages (`out`, `retry`). */
  readonly pagesOnAge: boolean;
  /** Whether any message here opens a ticket (`shunt`, `bad`). */
  readonly ticketWhenNonEmpty: boolean;
  /**
   * Whether this queue pages when it keeps growing (Mailman's `retry`): for
   * a queue whose messages cycle between queues, each hop renaming the file
   * with a new timestamp, so the age of its oldest message says nothing.
   * Absent (host models written before it): false.
   */
  readonly pagesOnGrowth?: boolean;
  readonly ageWarningSeconds: number;
  readonly ageCriticalSeconds: number;
  readonly messagesWarning: number;
}

/** The service the host exists for, in generic terms. */
export interface ServiceModel {
  /** `mailman3`, `postfix`, ... */
  readonly kind: string;
  readonly version: string;
  /** Metric name prefix of the textfile collector (`mailman` gives `mailman_queue_messages`). */
  readonly metricPrefix: string;
  /** systemd unit that runs the service. */
  readonly unit: string;
  /** Command that restarts the whole service (self-heal). */
  readonly restartCommand: readonly string[];
  readonly configFile: string;
  readonly processGroups: readonly ProcessGroupModel[];
  readonly queues: readonly QueueModel[];
  /**
   * Regex (POSIX ERE) over queue file names. A file that matches carries its
   * enqueue time as the leading number of its name (Unix seconds); other
   * files are aged by their mtime. `null`: always mtime.
   */
  readonly queueFilePattern: string | null;
  /** Glob of the files that are messages in a queue directory. */
  readonly queueFileGlob: string;
  /**
   * How deep below each queue directory message files are found, as
   * `find -maxdepth` (1: the directory only; Postfix's hashed deferred queue: 2).
   */
  readonly queueFileMaxDepth: number;
  /** The words alerts, runbooks and dashboards use for this service. */
  readonly vocabulary: ServiceVocabularyModel;
  /**
   * Whether the service's user-visible outages (supervisor down, a paging
   * queue stalled, the web front end down, the host down) carry
   * `list_visible="true"`, which Alertmanager also sends to the list admins.
   */
  readonly listVisibleOutages: boolean;
  /**
   * What the Icinga queue check reads: `directory` counts the queue
   * directories itself (the nagios user must be able to read them);
   * `collector` reads the numbers the root-run textfile collector wrote
   * (for spools only the service's user can read, such as Postfix's).
   */
  readonly queueCheckSource: QueueCheckSource;
}

/** See ServiceModel.queueCheckSource. */
export type QueueCheckSource = 'directory' | 'collector';

/** How alerts and runbooks name the parts of a service (ServiceDefinitionProps.vocabulary). */
export interface ServiceVocabularyModel {
  /** The service as people call it: `Mailman`, `Postfix`. */
  readonly displayName: string;
  /** One worker process of a group: `runner` (Mailman), `daemon` (Postfix). */
  readonly worker: string;
  /** Its plural. */
  readonly workers: string;
  /** The supervisor process (ProcessGroupModel.role `master`): `master`. */
  readonly supervisor: string;
  /** Whether the supervisor starts a worker again that died (Postfix's master does; Mailman's does not). */
  readonly supervisorRestartsWorkers: boolean;
  /** A legitimate burst that fills a queue and drains: `a big posting`, `a burst of mail`. */
  readonly burst: string;
  /** What a human does with failed messages once the cause is fixed: `unshunt`, `requeue`. */
  readonly requeue: string;
  /** What the web front end needs of the service, for the web alert: `the REST runner`. */
  readonly webBackend: string;
}

/** Restarts the service when a process group is short, at most once per interval. */
export interface SelfHealModel {
  readonly minIntervalSeconds: number;
  readonly checkIntervalSeconds: number;
  /** Where the restart count and time are kept between runs. */
  readonly stateDirectory: string;
}

/** Backup and its restore target. */
export interface BackupModel {
  readonly paths: readonly string[];
  readonly expectedFiles: number;
  /** Name of the volume restores go to; never the root or data volume. */
  readonly restoreVolume: string;
  /** Inodes required on the restore volume = expectedFiles x headroom. */
  readonly inodeHeadroom: number;
}

export interface EndpointModel {
  readonly host: string;
  readonly port: number;
}

/** A person or team to tell about maintenance and outages. */
export interface ContactModel {
  readonly name: string;
  readonly email: string;
}

/** Exporter listen ports on the host. */
export interface ExportersModel {
  readonly nodeExporterPort: number;
  readonly processExporterPort: number;
  readonly blackboxExporterPort: number;
  readonly textfileDirectory: string;
}

/** The resolved host: everything below the constructs works from this. */
export interface HostModel {
  readonly schemaVersion: 1;
  readonly fqdn: string;
  readonly location: LocationModel;
  readonly platform: PlatformModel;
  readonly contacts: readonly ContactModel[];
  readonly volumes: readonly VolumeModel[];
  /** Name of the volume the service keeps its data on. */
  readonly dataVolume: string;
  readonly filesystemThresholds: FilesystemThresholdsModel;
  readonly service: ServiceModel;
  readonly selfHeal: SelfHealModel;
  readonly backup: BackupModel;
  readonly exporters: ExportersModel;
  /** URL of the web front end, probed by blackbox_exporter. */
  readonly webUrl: string | null;
  /** Database the service depends on, probed over TCP (the 2023 cause). */
  readonly database: EndpointModel | null;
}
