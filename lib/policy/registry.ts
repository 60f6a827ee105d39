/**
 * The one registry of policy rules: IDs, levels, titles, texts and fix
 * hints. Rule implementations live in `rules/<Name>.ts` (one per file);
 * `docs/RULES.md` is generated from this list, and a test pins the IDs and
 * levels so a rule cannot silently change meaning or be downgraded.
 */
import type { Level } from './types';

export interface RuleMeta {
  readonly id: string;
  /** CamelCase name; the implementation is `rules/<name>.ts`. */
  readonly name: string;
  readonly level: Level;
  readonly title: string;
  /** Why the rule exists (which incident it prevents). */
  readonly rationale: string;
  /** What is checked, where. */
  readonly checks: string;
  /** How to fix a breach. */
  readonly fix: string;
  /** Whether findings of this rule may go into a baseline file. */
  readonly baselinable: boolean;
}

export const RULES: readonly RuleMeta[] = [
  {
    id: 'LH001',
    name: 'FilesystemInodeAlerts',
    level: 'error',
    title: 'Every filesystem of every host has inode alerts',
    rationale:
      '2014: a restore onto the root filesystem plus the mail queue used up its inodes; only space was alerted, and lists were down about 16 hours.',
    checks:
      'monitoring/prometheus/rules.yml: for each volume of each host, alerting rules reading `node_filesystem_files_free` whose selectors match the volume\'s ' +
      '`instance`, `mountpoint`, `device` and `fstype` (job `node`) and keep `mountpoint`, of every required kind: threshold (ticket and page), ' +
      '6h-trend (ticket and page) and fast burst (page; `predict_linear`/`deriv` over at most 1h). The kinds are configurable (`filesystemAlerts.require`).',
    fix: 'Regenerate with `cdktf synth` (the mixin writes these rules), or widen the rule\'s `fsSelector` so it matches the volume\'s fstype and mountpoint.',
    baselinable: true,
  },
  {
    id: 'LH002',
    name: 'FilesystemSpaceAlerts',
    level: 'error',
    title: 'Every filesystem of every host has space alerts',
    rationale: 'A full filesystem stops Mailman as surely as one without inodes.',
    checks:
      'monitoring/prometheus/rules.yml: as LH001, over `node_filesystem_avail_bytes` (or `node_filesystem_free_bytes`).',
    fix: 'Regenerate with `cdktf synth`, or widen the rule\'s `fsSelector` so it matches the volume.',
    baselinable: true,
  },
  {
    id: 'LH003',
    name: 'IcingaDiskChecks',
    level: 'error',
    title: 'Every filesystem has an Icinga disk check with space and inode thresholds',
    rationale: '2014: Icinga checked space only; the inode exhaustion went unnoticed.',
    checks:
      'monitoring/icinga2/*.conf: the host\'s `Host` object, and a `disk` service applied to it for each volume (by `vars.disk_partitions`) with ' +
      '`disk_wfree`, `disk_cfree`, `disk_inode_wfree` and `disk_inode_cfree` set (percentages equal to the model\'s thresholds) and the volume\'s fstype not excluded.',
    fix: 'Regenerate with `cdktf synth`; do not edit hosts.conf or services.conf by hand.',
    baselinable: true,
  },
  {
    id: 'LH004',
    name: 'ProcessGroupAlerts',
    level: 'error',
    title: 'Every runner and the master have their own liveness alert',
    rationale:
      '2023: the `out` runner died and stayed dead; a total count of 14 of 15 processes looked healthy. Each group must be checked on its own.',
    checks:
      'monitoring/prometheus/rules.yml: for each process group, an alerting rule reading the group\'s live count without ' +
      'aggregating `groupname` away, compared with the host\'s `<prefix>_runner_expected_processes` series for the group (or `< N` with N the expected count), ' +
      'with severity `critical` for a critical group. The live count of a group process-exporter counts (`countedBy`) is `namedprocess_namegroup_num_procs` ' +
      '(job `process`), and the host\'s rootfs `/etc/prometheus/process-exporter.yml` defines the group with the model\'s cmdline regex; that of a group the ' +
      'collector counts (the Mailman master) is `<prefix>_process_group_live_processes` (job `node`), the host\'s rootfs collector script counts it with the ' +
      'group\'s user and pgrep pattern, process-exporter.yml does not define it, and `/etc/default/prometheus-process-exporter` passes `-recheck`.',
    fix: 'Regenerate with `cdktf synth`; a hand-written rule must compare per `groupname` against the expected-processes series.',
    baselinable: true,
  },
  {
    id: 'LH005',
    name: 'ExpectedProcessCounts',
    level: 'error',
    title: 'Expected process counts are right for the Mailman version, instances and workers, and exported',
    rationale: '2023: a check expecting the wrong count (`14:` for 15 processes) cannot see one dead runner.',
    checks:
      'host model: one group per runner of the Mailman release (3.3 adds `task`) plus the master; a runner expects a power of 2 (its instances), ' +
      'the REST runner instances x (1 + workers) (at least 2), the master 1 and counted by the collector (`countedBy: collector`: process-exporter would count ' +
      'a runner it first saw before its exec as the master for good). The host\'s queue collector script (rootfs) exports ' +
      '`<prefix>_runner_expected_processes{groupname}` with exactly these counts.',
    fix:
      'Set `runners.<name>.instances` (a power of 2) and `restWorkers` on the MailingListHost and synthesize again (MailingListHost has the collector count the master); ' +
      'do not edit the collector by hand.',
    baselinable: true,
  },
  {
    id: 'LH006',
    name: 'IcingaProcessChecks',
    level: 'error',
    title: 'Every process group has its own Icinga procs check with the right range',
    rationale: '2023: the Icinga runner check counted all runners together.',
    checks:
      'monitoring/icinga2/*.conf: a `procs` service applied to the host per process group, matching the group\'s pgrep pattern and user, whose ' +
      'critical range (warning range for warning-level groups) starts at exactly the expected count.',
    fix: 'Regenerate with `cdktf synth`.',
    baselinable: true,
  },
  {
    id: 'LH007',
    name: 'QueueAlerts',
    level: 'error',
    title: 'Every queue has count and age alerts; `out` and `retry` age pages; `retry` growth pages',
    rationale: '2023: the out queue grew to 4k messages over two days and was not monitored at all.',
    checks:
      'monitoring/prometheus/rules.yml: per queue, an alert on `<prefix>_queue_messages` and one on `<prefix>_queue_oldest_message_age_seconds` matching the queue ' +
      '(for queues that ticket on any message, an alert firing on any message counts as the age alert); for paging queues (Mailman: `out`, `retry`, which the model ' +
      'must mark `pagesOnAge`) a `critical` age alert; for queues that page on growth (Mailman: `retry`, which the model must mark `pagesOnGrowth`: its age resets at ' +
      'every retry pass while the MTA refuses mail) a `critical` alert on the growth of `<prefix>_queue_messages` (a change function such as `deriv`, or the count ' +
      'compared with itself over time; such an alert does not count as the count alert); and an alert on ' +
      '`<prefix>_queue_collector_last_success_timestamp_seconds` so a dead collector is seen.',
    fix: 'Regenerate with `cdktf synth`; keep `pagesOnAge` on `out` and `retry`, and `pagesOnGrowth` on `retry`.',
    baselinable: true,
  },
  {
    id: 'LH008',
    name: 'IcingaQueueChecks',
    level: 'error',
    title: 'Every queue has an Icinga check with age and count thresholds',
    rationale: '2023: the out queue was not checked by Icinga either.',
    checks:
      'monitoring/icinga2/*.conf: a service applied to the host per queue whose `listhost_queue_directory` is the queue\'s directory, with age warning and critical ' +
      'and count warning thresholds; paging queues route to the pager (`listhost_routing` `page` or `page-critical`).',
    fix: 'Regenerate with `cdktf synth`.',
    baselinable: true,
  },
  {
    id: 'LH009',
    name: 'RestoreVolumeSeparate',
    level: 'error',
    title: 'The backup restore target is a volume of its own',
    rationale: '2014: configs were restored onto the root filesystem, whose inodes the restore then used up.',
    checks:
      'host model: `backup.restoreVolume` names a volume that is not mounted at `/`, is not the data volume, and shares its device with no other volume ' +
      '(nor is the whole disk of another volume\'s partition, or a partition of a disk another volume uses whole); ' +
      'the host\'s rootfs has its systemd mount unit with that device and mount point.',
    fix: 'Give `backup.restoreVolume` its own device and mount point (e.g. `/srv/restore` on `/dev/vdc`).',
    baselinable: true,
  },
  {
    id: 'LH010',
    name: 'RestoreVolumeInodes',
    level: 'error',
    title: 'The restore volume has inodes for the whole backup with headroom',
    rationale: '2014: the restored files ran the filesystem out of inodes.',
    checks:
      'host model: the restore volume\'s `inodes` >= `backup.expectedFiles` x `backup.inodeHeadroom`, and at most one per 1024 bytes of its size ' +
      '(mke2fs\'s smallest ratio: more fails at mkfs); the rootfs `prepare-restore-volume` script formats with ' +
      'at least that many inodes and refuses a volume with fewer.',
    fix: 'Raise the restore volume\'s inode count (or size), or lower `expectedFiles` to the backup\'s real file count; a volume too small for the inodes needs a larger size.',
    baselinable: true,
  },
  {
    id: 'LH011',
    name: 'UniformOsRelease',
    level: 'error',
    title: 'Every host of a fleet runs the same OS release',
    rationale: '2014: the two hosts still on an older distribution were the ones a config-management change crashed.',
    checks:
      'host models: within each fleet (policy config `fleets`; by default the whole app), the same `platform.os` and `platform.release`, equal to the fleet\'s pinned values when given.',
    fix: 'Upgrade the odd hosts, or (during a migration) suppress with a reason and an expiry date, or put them in a fleet of their own in the policy config.',
    baselinable: true,
  },
  {
    id: 'LH012',
    name: 'UniformAgentVersion',
    level: 'error',
    title: 'Every host of a fleet runs the same config-management agent version',
    rationale: '2014: the hosts on Puppet 2.7 crashed applying a catalog the others applied fine.',
    checks:
      'host models: within each fleet, the same `platform.agent.name` and `platform.agent.version`, equal to the fleet\'s pinned values when given.',
    fix: 'Upgrade the agent on the odd hosts, or suppress with a reason and an expiry date while they are upgraded.',
    baselinable: true,
  },
  {
    id: 'LH013',
    name: 'CriticalAlertRunbooks',
    level: 'error',
    title: 'Every critical alert links to a runbook that exists',
    rationale: '2023: the alert fired and nobody acted on it; no runbook guided the response.',
    checks:
      'monitoring/prometheus/rules.yml: every alerting rule with `severity: critical` has an http(s) `runbook_url` annotation whose last path segment names a non-empty file in monitoring/runbooks/.',
    fix: 'Regenerate with `cdktf synth` (one runbook per alert is written), or add the runbook page.',
    baselinable: true,
  },
  {
    id: 'LH014',
    name: 'HostLocation',
    level: 'error',
    title: 'Every host has a location',
    rationale: '2023: the list host was missing from the switch-upgrade list and its owners were never told.',
    checks:
      'host model: `location.site` and `location.row` set and not placeholders (unknown, tbd, n/a, ...); monitoring/icinga2: the host\'s `Host` object carries the same `vars.location`.',
    fix: 'Set `location: { site, row }` on the host to where it really stands.',
    baselinable: true,
  },
  {
    id: 'LH015',
    name: 'NoPlaintextSecrets',
    level: 'error',
    title: 'No secret in plain text anywhere in the output',
    rationale: 'cdktf.out is committed, uploaded as a CI artifact and copied to hosts; a secret there is leaked.',
    checks:
      'every written file (and a host spec file): private key blocks, literal values of password/secret/token/api key/credentials fields, ' +
      'credentials in URLs, bearer tokens, and well-known token formats (AWS, GitHub, Slack).',
    fix: 'Pass secrets as files on the target host (`*_file` settings, e.g. webhookUrlFile, smtpAuthPasswordFile) or as Terraform variables marked sensitive.',
    baselinable: false,
  },
  {
    id: 'LH016',
    name: 'HostContacts',
    level: 'warning',
    title: 'Every host has someone to tell about maintenance',
    rationale: '2023: the host\'s owners were never told about the maintenance that broke it.',
    checks: 'host model: at least one contact.',
    fix: 'Add `contacts: [{ name, email }]` to the host.',
    baselinable: true,
  },
  {
    id: 'LH017',
    name: 'AlertContract',
    level: 'warning',
    title: 'Every alert follows the alert contract',
    rationale: 'CONTRACT.md section 4: routing and runbooks rely on the severity label and the annotations.',
    checks:
      'monitoring/prometheus/rules.yml: every alerting rule has a CamelCase name, `severity` one of critical/warning/info, the annotations `summary`, ' +
      '`description` and `runbook_url`, and an expression the linter can parse.',
    fix: 'Regenerate with `cdktf synth`, or fix the hand-written rule.',
    baselinable: true,
  },
  {
    id: 'LH100',
    name: 'SuppressionExpired',
    level: 'error',
    title: 'A suppression has expired',
    rationale: 'A suppression is a promise to fix something by a date; when the date passes, the finding is back and so is the decision.',
    checks: 'the suppressions file: `expires` is today or later.',
    fix: 'Fix the finding and delete the suppression, or renew it with a new reason and date.',
    baselinable: false,
  },
  {
    id: 'LH101',
    name: 'SuppressionUnused',
    level: 'warning',
    title: 'A suppression matches no finding',
    rationale: 'A stale suppression would silently hide the next breach of the same rule.',
    checks: 'the suppressions file: every suppression matches at least one finding.',
    fix: 'Delete the suppression.',
    baselinable: false,
  },
];

const BY_ID = new Map(RULES.map((rule) => [rule.id, rule]));

export function ruleMeta(id: string): RuleMeta | undefined {
  return BY_ID.get(id);
}

export function isRuleId(id: string): boolean {
  return BY_ID.has(id);
}

/** Rules whose findings come from the engine itself (suppression checks), not from a rule file. */
export const META_RULE_IDS: readonly string[] = ['LH100', 'LH101'];
