/**
 * Mailman 3 as a service model: one process group per runner (each checked
 * on its own: a total-count check of `14:` hides one dead runner out of 15),
 * one for the master, and one queue per queue directory.
 */
import { propErrors } from '../errors';
import {
  MAILMAN_QUEUE_FILE_GLOB, MAILMAN_QUEUE_FILE_PATTERN, mailmanRelease, GROWTH_PAGING_QUEUES, PAGING_QUEUES, SUPPORTED_MAILMAN_SERIES, TICKET_QUEUES,
} from '../model/mailman-catalogue';
import { allKeys, checkKnownProps } from './known-props';
import type { QueueThresholdProps } from './props';
import { checkInteger, checkName, checkPath, checkPowerOfTwo, checkServiceUnit } from './prop-checks';
import { resolveQueueThresholds, type ProcessGroupProps, type QueueProps, type ServiceDefinitionProps, type ServiceVocabularyProps } from './service-definition';


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

/** The keys of MailmanProps (known-props.ts). */
export const MAILMAN_PROP_KEYS = allKeys<MailmanProps>()([
  'mailmanVersion', 'runners', 'restWorkers', 'varDirectory', 'queueDirectory', 'configFile', 'binDirectory', 'user', 'unit', 'queueThresholds',
]);
const RUNNER_PROP_KEYS = allKeys<RunnerProps>()(['instances']);

export const MAILMAN_DEFAULTS = {
  mailmanVersion: '3.3.8',
  restWorkers: 2,
  configFile: '/etc/mailman3/mailman.cfg',
  binDirectory: '/usr/lib/mailman3/bin',
  user: 'list',
  unit: 'mailman3.service',
} as const;

/** How alerts and runbooks name Mailman's parts. */
export const MAILMAN_VOCABULARY: Required<ServiceVocabularyProps> = {
  displayName: 'Mailman',
  worker: 'runner',
  workers: 'runners',
  supervisor: 'master',
  // The master never restarts a runner that died of a signal or an exception.
  supervisorRestartsWorkers: false,
  burst: 'a big posting',
  requeue: 'unshunt',
  webBackend: 'the REST runner',
};

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The service definition of a Mailman host. Mailman's own props are checked
 * here so errors name them (`runners.out.instances`, `restWorkers`).
 */
export function mailmanServiceDefinition(construct: string, props: MailmanProps, dataMountpoint: string): ServiceDefinitionProps {
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
    checkKnownProps(construct, `runners.${name}`, runners[name], RUNNER_PROP_KEYS, 'a runner');
  }
  const restWorkers = checkInteger(construct, 'restWorkers', props.restWorkers ?? MAILMAN_DEFAULTS.restWorkers, 1, 64);
  const binDirectory = checkPath(construct, 'binDirectory', props.binDirectory ?? MAILMAN_DEFAULTS.binDirectory);
  const user = checkName(construct, 'user', props.user ?? MAILMAN_DEFAULTS.user);
  const unit = checkServiceUnit(construct, 'unit', props.unit ?? MAILMAN_DEFAULTS.unit);
  const configFile = checkPath(construct, 'configFile', props.configFile ?? MAILMAN_DEFAULTS.configFile);
  const varDirectory = checkPath(construct, 'varDirectory', props.varDirectory ?? dataMountpoint);
  const queueDirectory = checkPath(construct, 'queueDirectory', props.queueDirectory ?? `${varDirectory}/queue`);

  const runnerPath = escapeRegex(`${binDirectory}/runner`);
  const runnerGroups: ProcessGroupProps[] = release.runners.map((name) => {
    const instances = checkPowerOfTwo(construct, `runners.${name}.instances`, runners[name]?.instances ?? 1);
    return {
      groupname: `mailman-runner-${name}`,
      role: `runner ${name}`,
      // The REST runner forks `workers` gunicorn children with its command line.
      expectedProcesses: name === 'rest' ? instances * (1 + restWorkers) : instances,
      // Anchored on the script as argv[1] (argv[0] is the interpreter), so a shell
      // whose command line merely mentions the path is not counted.
      cmdlineRegex: `^[^ ]+ ${runnerPath} .*--runner=${name}:`,
      user,
    };
  });
  const master: ProcessGroupProps = {
    groupname: 'mailman-master',
    role: 'master',
    cmdlineRegex: `^[^ ]+ ${escapeRegex(`${binDirectory}/master`)}( |$)`,
    user,
    // The master forks each runner, and the child has the master's command
    // line until it execs the runner script: process-exporter, which names a
    // process once, would count a runner it first saw then in the master group
    // for good (seen on 3.3.8: master 2, a runner 0). pgrep is not fooled.
    countedBy: 'collector',
  };
  const queues: QueueProps[] = release.queues.map((name) => ({
    name,
    directory: `${queueDirectory}/${name}`,
    pagesOnAge: PAGING_QUEUES.includes(name),
    ticketWhenNonEmpty: TICKET_QUEUES.includes(name),
    // The retry runner moves every message retry -> out -> retry each 15
    // minutes while the local MTA refuses mail, renaming the files: retry's
    // age stays low through an SMTP outage, its count grows.
    pagesOnGrowth: GROWTH_PAGING_QUEUES.includes(name),
  }));
  const queueThresholds = resolveQueueThresholds(construct, 'queueThresholds', props.queueThresholds);
  return {
    kind: 'mailman3',
    version,
    metricPrefix: 'mailman',
    unit,
    configFile,
    processGroups: [...runnerGroups, master],
    queues,
    queueFilePattern: MAILMAN_QUEUE_FILE_PATTERN,
    queueFileGlob: MAILMAN_QUEUE_FILE_GLOB,
    queueThresholds,
    vocabulary: MAILMAN_VOCABULARY,
    // List members see these outages; Alertmanager tells their list admins.
    notifyListAdmins: true,
    // Debian's mailman3 queue directories are group list, which nagios joins.
    queueCheckSource: 'directory',
  };
}
