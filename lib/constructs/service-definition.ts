/**
 * A service in generic terms: the process groups that must stay alive and
 * the spool directories that must keep draining. MailingListHost derives
 * one from Mailman's version; any other service (a Postfix relay, a job
 * runner) declares its own.
 */
import { PROCESS_REGEX, QUEUE_FILE_REGEX, portableRegexExpectation, portableRegexProblem, type RegexDialect } from '../model/portable-regex';
import { propErrors } from '../errors';
import { EXPECTED } from '../model/expected-values';
import type { ProcessCounter, ProcessGroupModel, QueueCheckSource, QueueModel, ServiceModel } from '../model/types';
import { allKeys, checkKnownProps, PROP_KEYS } from './known-props';
import type { QueueThresholdProps } from './props';
import { resolveVocabulary, type ServiceVocabularyProps } from './service-vocabulary';
import { checkBoolean, checkInteger, checkName, checkPath, checkServiceUnit, checkText, isPlainText } from './prop-checks';

export { resolveVocabulary, type ServiceVocabularyProps } from './service-vocabulary';

/** A group of processes that must be alive. */
export interface ProcessGroupProps {
  /** process-exporter group name, e.g. `postfix-qmgr`; lower case. */
  readonly groupname: string;
  /**
   * What the group is, for alerts and runbooks.
   * @default - the group name
   */
  readonly role?: string;
  /**
   * Regular expression over the space-joined command line, for
   * process-exporter (RE2) and, unless pgrepPattern is set, pgrep and
   * check_procs (POSIX ERE). Only the subset both read alike is accepted:
   * printable ASCII, `.`, `^`, `$`, groups `( )`, `|`, `* + ? {n} {n,} {n,m}`
   * (not lazy or possessive), bracket expressions such as `[^ ]` or
   * `[[:digit:]]` without backslashes, and a backslash only before one of
   * `\ . [ ] ( ) * + ? { } | ^ $`: write `[0-9]` for `\d`, `[[:space:]]`
   * for `\s` (see lib/model/portable-regex.ts).
   */
  readonly cmdlineRegex: string;
  /**
   * `pgrep -f` pattern (POSIX ERE) for Icinga's check_procs and self-heal;
   * held to the same subset as cmdlineRegex.
   * @default - cmdlineRegex
   */
  readonly pgrepPattern?: string;
  /** User the processes run as. */
  readonly user: string;
  /**
   * Processes expected alive.
   * @default 1
   */
  readonly expectedProcesses?: number;
  /**
   * `critical` pages a human when the group is short.
   * @default 'critical'
   */
  readonly severity?: 'critical' | 'warning';
  /**
   * Who counts the group's live processes for the alerts.
   *
   * `'process-exporter'`: a process-exporter group (`namedprocess_namegroup_*`),
   * right for workers that exec their own program.
   *
   * `'collector'`: the host's textfile collector counts it with `pgrep` every
   * minute (`<metricPrefix>_process_group_live_processes{groupname}`), and
   * process-exporter gets no group for it. Choose it for a supervisor whose
   * forked workers carry its command line until they exec (Mailman's master):
   * process-exporter assigns a process to a group once, when it first sees
   * it, so a worker it first sees before the exec is counted in the
   * supervisor's group for its whole life (a false "worker down" and a
   * supervisor count of 2). `pgrep` reads the current command line every
   * time, and process-exporter runs with `-recheck`, so the worker joins its
   * own group after the exec.
   * @default 'process-exporter'
   */
  readonly countedBy?: ProcessCounter;
}

/** A spool directory whose files are messages. */
export interface QueueProps {
  /** Queue name, the `queue` label. */
  readonly name: string;
  readonly directory: string;
  /**
   * Whether the oldest message's age pages (mail that stops leaving).
   * @default false
   */
  readonly pagesOnAge?: boolean;
  /**
   * Whether any message here opens a ticket (failed processing).
   * @default false
   */
  readonly ticketWhenNonEmpty?: boolean;
  /**
   * Whether the queue pages when it keeps growing (`<Prefix>QueueGrowing`):
   * at least a minimum of messages, and more in the last retry window than
   * in the window before, which held mail too. For a queue whose messages
   * cycle, so that the age of its oldest message never grows: Mailman renames
   * a message file with a new timestamp at every hop, and its retry runner
   * moves every message from `retry` to `out` and back each 15 minutes
   * while the local MTA refuses mail, so an SMTP outage shows only as
   * `retry` growing. Set it on a queue that is normally empty.
   * @default false
   */
  readonly pagesOnGrowth?: boolean;
}

export interface ServiceDefinitionProps {
  /** e.g. `postfix`. */
  readonly kind: string;
  readonly version: string;
  /** Prefix of the collector's metrics, e.g. `postfix` gives `postfix_queue_messages`. */
  readonly metricPrefix: string;
  /** systemd unit running the service, e.g. `postfix.service`. */
  readonly unit: string;
  /**
   * Command that restarts the service (self-heal).
   * @default ['systemctl', 'restart', unit]
   */
  readonly restartCommand?: readonly string[];
  readonly configFile: string;
  /** At least one. */
  readonly processGroups: readonly ProcessGroupProps[];
  /** At least one. */
  readonly queues: readonly QueueProps[];
  /**
   * Regex (POSIX ERE) over queue file names whose leading number is the
   * enqueue time, for bash's `[[ =~ ]]` (the queue check) and awk (the
   * queue collector): the subset of cmdlineRegex without `{n,m}` intervals,
   * which Debian 12's awk (mawk) reads as literal braces.
   * @default - none: files are aged by their mtime
   */
  readonly queueFilePattern?: string;
  /**
   * Glob of the message files in a queue directory.
   * @default '*'
   */
  readonly queueFileGlob?: string;
  /**
   * How deep below a queue directory message files are looked for (1: only
   * the directory itself, as `find -maxdepth`). Postfix hashes its deferred
   * queue into subdirectories (`hash_queue_names = deferred, defer`,
   * `hash_queue_depth = 1`: `deferred/A/4C2F1D2E3A`), so a relay sets 2;
   * with 1 its deferred mail would not be counted at all. Applies to every
   * queue of the service (a queue without subdirectories is counted the same
   * at any depth); directories are never counted as messages.
   * @default 1
   */
  readonly queueFileMaxDepth?: number;
  /** @default - see QueueThresholdProps */
  readonly queueThresholds?: QueueThresholdProps;
  /**
   * Words for the service's parts in alerts, runbooks and dashboards.
   * @default - service-neutral words (see ServiceVocabularyProps)
   */
  readonly vocabulary?: ServiceVocabularyProps;
  /**
   * Whether the service has users who notice its outages themselves and
   * admins to tell (a mailing list's members and list admins). If so, the
   * outages they see (supervisor down, a paging queue stalled or growing, the
   * web front end down, the host down) carry `list_visible="true"`, and Alertmanager
   * also sends them to `monitoring.alerting.listAdmins`.
   * @default false
   */
  readonly notifyListAdmins?: boolean;
  /**
   * What the Icinga queue check (`check_listhost_queue`, run by the agent as
   * the `nagios` user) reads.
   *
   * `'directory'`: it counts the queue directories itself, so `nagios` must
   * be able to read them (Mailman's are group `list`, which Debian's nagios
   * user is added to).
   *
   * `'collector'`: it reads the counts and ages the host's queue collector
   * (run by systemd as root every minute) writes for node_exporter, and
   * reports UNKNOWN when they are older than 5 minutes or the collector's
   * last run failed. Choose it for spools only the service's own user may
   * read: Postfix's `active`, `deferred`, `incoming` and `hold` are mode 0700,
   * owner postfix. No privilege is granted to the monitoring user, and Icinga
   * and Prometheus report the same numbers.
   * @default 'directory'
   */
  readonly queueCheckSource?: QueueCheckSource;
}

/** Deepest queueFileMaxDepth accepted: a queue and three levels of hash subdirectories. */
export const MAX_QUEUE_FILE_DEPTH = 4;

export const DEFAULT_QUEUE_THRESHOLDS = { ageWarningSeconds: 900, ageCriticalSeconds: 1800, messagesWarning: 1000 } as const;

const GROUPNAME = /^[a-z][a-z0-9_-]{0,62}$/;
const METRIC_PREFIX = /^[a-z][a-z0-9_]{0,30}$/;

/** The keys of each interface above, checked by the compiler against it (known-props.ts). */
const SERVICE_PROP_KEYS = {
  definition: allKeys<ServiceDefinitionProps>()([
    'kind', 'version', 'metricPrefix', 'unit', 'restartCommand', 'configFile', 'processGroups', 'queues', 'queueFilePattern', 'queueFileGlob',
    'queueFileMaxDepth', 'queueThresholds', 'vocabulary', 'notifyListAdmins', 'queueCheckSource',
  ]),
  processGroup: allKeys<ProcessGroupProps>()(['groupname', 'role', 'cmdlineRegex', 'pgrepPattern', 'user', 'expectedProcesses', 'severity', 'countedBy']),
  queue: allKeys<QueueProps>()(['name', 'directory', 'pagesOnAge', 'ticketWhenNonEmpty', 'pagesOnGrowth']),
} as const;

/** A `find -name` pattern: one file name, so no `/`. */
function checkFileGlob(construct: string, prop: string, value: unknown): string {
  if (typeof value !== 'string' || value === '' || value.includes('/') || !isPlainText(value)) {
    throw propErrors.invalid(construct, prop, value, 'a non-empty file-name pattern for find -name (e.g. "*.pck"), without "/", control characters or unpaired surrogates');
  }
  return value;
}

/** A regex written verbatim into the tools of `dialect`: only the subset they all read alike (portable-regex.ts). */
function checkRegex(construct: string, prop: string, value: string | undefined, dialect: RegexDialect): string {
  if (typeof value !== 'string' || value === '' || /[\u0000-\u001f'"`]/.test(value) || !isPlainText(value)) {
    throw propErrors.invalid(construct, prop, value, 'a non-empty regular expression without quotes, control characters or unpaired surrogates');
  }
  const problem = portableRegexProblem(value, dialect);
  if (problem !== undefined) throw propErrors.invalid(construct, prop, value, portableRegexExpectation(dialect, problem));
  return value;
}

/** Queue thresholds with defaults applied, checked; `at` is where they sit in the props. */
export function resolveQueueThresholds(construct: string, at: string, props: QueueThresholdProps | undefined): Required<QueueThresholdProps> {
  checkKnownProps(construct, at, props, PROP_KEYS.queueThresholds, 'queueThresholds');
  const thresholds = { ...DEFAULT_QUEUE_THRESHOLDS, ...props };
  checkInteger(construct, `${at}.ageWarningSeconds`, thresholds.ageWarningSeconds, 60, 7 * 86400);
  checkInteger(construct, `${at}.ageCriticalSeconds`, thresholds.ageCriticalSeconds, 60, 7 * 86400);
  checkInteger(construct, `${at}.messagesWarning`, thresholds.messagesWarning, 1);
  if (thresholds.ageCriticalSeconds <= thresholds.ageWarningSeconds) {
    throw propErrors.conflict(construct, `${at}.ageCriticalSeconds`, thresholds.ageCriticalSeconds, `must be above ageWarningSeconds (${thresholds.ageWarningSeconds})`);
  }
  return thresholds;
}

/**
 * Resolves and checks a service definition. `prefix` is where the props sit
 * in the construct's props (`service` for ServiceHost, '' when a construct
 * such as MailingListHost builds the definition from props of its own).
 */
export function resolveServiceDefinition(construct: string, props: ServiceDefinitionProps, prefix = 'service'): ServiceModel {
  const p = (key: string) => (prefix === '' ? key : `${prefix}.${key}`);
  if (!props || typeof props !== 'object') throw propErrors.required(construct, prefix || 'props', '{ kind, version, metricPrefix, unit, configFile, processGroups, queues }');
  checkKnownProps(construct, prefix, props, SERVICE_PROP_KEYS.definition, 'a service definition');
  const unit = checkServiceUnit(construct, p('unit'), props.unit);
  if (typeof props.metricPrefix !== 'string' || !METRIC_PREFIX.test(props.metricPrefix)) {
    throw propErrors.invalid(construct, p('metricPrefix'), props.metricPrefix, EXPECTED.metricPrefix);
  }
  if (!Array.isArray(props.processGroups) || props.processGroups.length === 0) {
    throw propErrors.required(construct, p('processGroups'), 'at least one process group: workers that die must be noticed');
  }
  if (!Array.isArray(props.queues) || props.queues.length === 0) {
    throw propErrors.required(construct, p('queues'), 'at least one queue: a queue that stops draining must be noticed');
  }
  const thresholds = resolveQueueThresholds(construct, p('queueThresholds'), props.queueThresholds);

  const groupnames = new Set<string>();
  const processGroups: ProcessGroupModel[] = props.processGroups.map((group, i) => {
    const at = p(`processGroups[${i}]`);
    checkKnownProps(construct, at, group, SERVICE_PROP_KEYS.processGroup, 'a process group');
    if (typeof group.groupname !== 'string' || !GROUPNAME.test(group.groupname)) {
      throw propErrors.invalid(construct, `${at}.groupname`, group.groupname, EXPECTED.groupname);
    }
    if (groupnames.has(group.groupname)) throw propErrors.conflict(construct, `${at}.groupname`, group.groupname, 'is used by another process group');
    groupnames.add(group.groupname);
    const severity = group.severity ?? 'critical';
    if (severity !== 'critical' && severity !== 'warning') throw propErrors.invalid(construct, `${at}.severity`, severity, '"critical" or "warning"');
    const countedBy = group.countedBy ?? 'process-exporter';
    if (countedBy !== 'process-exporter' && countedBy !== 'collector') {
      throw propErrors.invalid(construct, `${at}.countedBy`, countedBy, '"process-exporter" or "collector"');
    }
    const cmdlineRegex = checkRegex(construct, `${at}.cmdlineRegex`, group.cmdlineRegex, PROCESS_REGEX);
    return {
      groupname: group.groupname,
      role: group.role === undefined ? group.groupname : checkText(construct, `${at}.role`, group.role, 'what the group is'),
      expectedProcesses: checkInteger(construct, `${at}.expectedProcesses`, group.expectedProcesses ?? 1, 1, 4096),
      cmdlineRegex,
      pgrepPattern: group.pgrepPattern === undefined ? cmdlineRegex : checkRegex(construct, `${at}.pgrepPattern`, group.pgrepPattern, PROCESS_REGEX),
      user: checkName(construct, `${at}.user`, group.user),
      severity,
      countedBy,
    };
  });

  const queueNames = new Set<string>();
  const queues: QueueModel[] = props.queues.map((queue, i) => {
    const at = p(`queues[${i}]`);
    checkKnownProps(construct, at, queue, SERVICE_PROP_KEYS.queue, 'a queue');
    const name = checkName(construct, `${at}.name`, queue.name);
    if (queueNames.has(name)) throw propErrors.conflict(construct, `${at}.name`, name, 'is used by another queue');
    queueNames.add(name);
    return {
      name,
      directory: checkPath(construct, `${at}.directory`, queue.directory),
      pagesOnAge: queue.pagesOnAge ?? false,
      ticketWhenNonEmpty: queue.ticketWhenNonEmpty ?? false,
      pagesOnGrowth: checkBoolean(construct, `${at}.pagesOnGrowth`, queue.pagesOnGrowth ?? false),
      ...thresholds,
    };
  });
  // A set: declared order carries no meaning, so it must not reach the output (by name, locale-independent).
  queues.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const restartCommand = props.restartCommand ?? ['systemctl', 'restart', unit];
  if (!Array.isArray(restartCommand) || restartCommand.length === 0) {
    throw propErrors.invalid(construct, p('restartCommand'), restartCommand, 'a non-empty list of command words');
  }
  restartCommand.forEach((w, i) => {
    // Tabs and newlines are allowed: a word may be a `sh -c` script. Each word is single-quoted.
    if (typeof w !== 'string' || w === '' || !isPlainText(w.replace(/[\t\n]/g, ''))) {
      throw propErrors.invalid(construct, p(`restartCommand[${i}]`), w, 'a non-empty command word without control characters other than tab and newline, or unpaired surrogates');
    }
  });
  const queueCheckSource = props.queueCheckSource ?? 'directory';
  if (queueCheckSource !== 'directory' && queueCheckSource !== 'collector') {
    throw propErrors.invalid(construct, p('queueCheckSource'), queueCheckSource, '"directory" (the check reads the queue directories) or "collector" (it reads what the root-run queue collector wrote)');
  }
  return {
    kind: checkName(construct, p('kind'), props.kind),
    version: checkName(construct, p('version'), props.version),
    metricPrefix: props.metricPrefix,
    unit,
    restartCommand: [...restartCommand],
    configFile: checkPath(construct, p('configFile'), props.configFile),
    processGroups,
    queues,
    queueFilePattern: props.queueFilePattern === undefined ? null : checkRegex(construct, p('queueFilePattern'), props.queueFilePattern, QUEUE_FILE_REGEX),
    queueFileGlob: props.queueFileGlob === undefined ? '*' : checkFileGlob(construct, p('queueFileGlob'), props.queueFileGlob),
    queueFileMaxDepth: checkInteger(construct, p('queueFileMaxDepth'), props.queueFileMaxDepth ?? 1, 1, MAX_QUEUE_FILE_DEPTH),
    vocabulary: resolveVocabulary(construct, p('vocabulary'), props.metricPrefix, props.vocabulary),
    listVisibleOutages: checkBoolean(construct, p('notifyListAdmins'), props.notifyListAdmins ?? false),
    queueCheckSource,
  };
}
