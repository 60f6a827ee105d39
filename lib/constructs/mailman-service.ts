/**
 * Mailman 3 as a service model: one process group per runner (each checked
 * on its own: a total-count check of `14:` hides one dead runner out of 15),
 * one for the master, and one queue per queue directory.
 */
import { propErrors } from '../errors';
import {
  MAILMAN_QUEUE_FILE_PATTERN, mailmanRelease, PAGING_QUEUES, SUPPORTED_MAILMAN_SERIES, TICKET_QUEUES,
} from '../model/mailman-catalogue';
import type { ProcessGroupModel, QueueModel, ServiceModel } from '../model/types';
import type { QueueThresholdProps } from './props';
import { checkInteger, checkName, checkPath, checkPowerOfTwo } from './prop-checks';

/** Per-runner settings (`[runner.NAME]` in mailman.cfg). */
export interface RunnerProps {
  /**
   * Processes (slices) of this runner; Mailman requires a power of 2.
   * @default 1
   */
  readonly instances?: number;
}

/** The Mailman-specific props of a MailingListHost. */
export interface MailmanProps {
  /**
   * Mailman version; decides which runners and queues exist.
   * @default '3.3.8'
   */
  readonly mailmanVersion?: string;
  /**
   * Settings per runner, by runner name. Runners not named run 1 instance.
   * @default {}
   */
  readonly runners?: Readonly<Record<string, RunnerProps>>;
  /**
   * Gunicorn workers of the REST runner (`[webservice] workers`).
   * @default 2
   */
  readonly restWorkers?: number;
  /**
   * Mailman's `var_dir`.
   * @default - the data volume's mount point
   */
  readonly varDirectory?: string;
  /**
   * Where the queue directories live.
   * @default - `<varDirectory>/queue`
   */
  readonly queueDirectory?: string;
  /** @default '/etc/mailman3/mailman.cfg' */
  readonly configFile?: string;
  /** @default '/usr/lib/mailman3/bin' (Debian) */
  readonly binDirectory?: string;
  /** @default 'list' (Debian) */
  readonly user?: string;
  /** @default 'mailman3.service' */
  readonly unit?: string;
  /** @default - see QueueThresholdProps */
  readonly queueThresholds?: QueueThresholdProps;
}

export const MAILMAN_DEFAULTS = {
  mailmanVersion: '3.3.8',
  restWorkers: 2,
  configFile: '/etc/mailman3/mailman.cfg',
  binDirectory: '/usr/lib/mailman3/bin',
  user: 'list',
  unit: 'mailman3.service',
  queueThresholds: { ageWarningSeconds: 900, ageCriticalSeconds: 1800, messagesWarning: 1000 },
} as const;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function resolveMailmanService(construct: string, props: MailmanProps, dataMountpoint: string): ServiceModel {
  const version = props.mailmanVersion ?? MAILMAN_DEFAULTS.mailmanVersion;
  const release = typeof version === 'string' ? mailmanRelease(version) : undefined;
  if (!release) {
    throw propErrors.invalid(construct, 'mailmanVersion', version, `a Mailman version of a supported series (${SUPPORTED_MAILMAN_SERIES.map((s) => `${s}.x`).join(', ')}), such as "3.3.8"`);
  }
  const runners = props.runners ?? {};
  for (const name of Object.keys(runners)) {
    if (!release.runners.includes(name)) {
      throw propErrors.invalid(construct, `runners.${name}`, name, `one of Mailman ${version}'s runners: ${release.runners.join(', ')}`);
    }
  }
  const restWorkers = checkInteger(construct, 'restWorkers', props.restWorkers ?? MAILMAN_DEFAULTS.restWorkers, 1, 64);
  const binDirectory = checkPath(construct, 'binDirectory', props.binDirectory ?? MAILMAN_DEFAULTS.binDirectory);
  const user = checkName(construct, 'user', props.user ?? MAILMAN_DEFAULTS.user);
  const unit = props.unit ?? MAILMAN_DEFAULTS.unit;
  if (!/^[A-Za-z0-9@._-]+\.service$/.test(unit)) throw propErrors.invalid(construct, 'unit', unit, 'a systemd service name such as "mailman3.service"');
  const configFile = checkPath(construct, 'configFile', props.configFile ?? MAILMAN_DEFAULTS.configFile);
  const varDirectory = checkPath(construct, 'varDirectory', props.varDirectory ?? dataMountpoint);
  const queueDirectory = checkPath(construct, 'queueDirectory', props.queueDirectory ?? `${varDirectory}/queue`);

  const thresholds = { ...MAILMAN_DEFAULTS.queueThresholds, ...props.queueThresholds };
  checkInteger(construct, 'queueThresholds.ageWarningSeconds', thresholds.ageWarningSeconds, 60, 7 * 86400);
  checkInteger(construct, 'queueThresholds.ageCriticalSeconds', thresholds.ageCriticalSeconds, 60, 7 * 86400);
  checkInteger(construct, 'queueThresholds.messagesWarning', thresholds.messagesWarning, 1);
  if (thresholds.ageCriticalSeconds <= thresholds.ageWarningSeconds) {
    throw propErrors.conflict(construct, 'queueThresholds.ageCriticalSeconds', thresholds.ageCriticalSeconds, `must be above ageWarningSeconds (${thresholds.ageWarningSeconds})`);
  }

  const runnerPath = escapeRegex(`${binDirectory}/runner`);
  const runnerGroups: ProcessGroupModel[] = release.runners.map((name) => {
    const instances = checkPowerOfTwo(construct, `runners.${name}.instances`, runners[name]?.instances ?? 1);
    const pattern = `${runnerPath} .*--runner=${name}:`;
    return {
      groupname: `mailman-runner-${name}`,
      role: `runner ${name}`,
      // The REST runner forks `workers` gunicorn children with its command line.
      expectedProcesses: name === 'rest' ? instances * (1 + restWorkers) : instances,
      cmdlineRegex: pattern,
      pgrepPattern: pattern,
      user,
      severity: 'critical',
    };
  });
  const masterPattern = `${escapeRegex(`${binDirectory}/master`)}( |$)`;
  const master: ProcessGroupModel = {
    groupname: 'mailman-master',
    role: 'master',
    expectedProcesses: 1,
    cmdlineRegex: masterPattern,
    pgrepPattern: masterPattern,
    user,
    severity: 'critical',
  };
  const queues: QueueModel[] = release.queues.map((name) => ({
    name,
    directory: `${queueDirectory}/${name}`,
    pagesOnAge: PAGING_QUEUES.includes(name),
    ticketWhenNonEmpty: TICKET_QUEUES.includes(name),
    ...thresholds,
  }));
  return {
    kind: 'mailman3',
    version,
    metricPrefix: 'mailman',
    unit,
    restartCommand: ['systemctl', 'restart', unit],
    configFile,
    processGroups: [...runnerGroups, master],
    queues,
    queueFilePattern: MAILMAN_QUEUE_FILE_PATTERN,
    queueFileGlob: '*.pck',
  };
}
