/**
 * Services: one apply rule per concern over the host variables hosts.conf
 * sets, so this file does not grow with the fleet.
 *
 * - disk: one Service per volume, space AND inode thresholds always set;
 * - procs: one Service per process group (each runner and the master),
 *   never one total count (a total of `14:` misses one dead runner);
 * - queue: one Service per queue, age and count thresholds;
 * - web: the front end, retried and with flapping detection (2023: a flaky
 *   web check taught people to ignore alerts);
 * - database: TCP to the database as the list host sees it (2023's cause).
 */
import { IcingaBodyLine, icingaBlock, icingaString, raw } from './dsl';
import { QUEUE_COMMAND_VAR } from './commands';
import { COMMAND, HOST_VAR, ROUTING_VAR, Routing, SERVICE_NAME, SERVICE_PREFIX, TEMPLATE } from './names';
import type { ResolvedIcinga2Options } from './options';

/** Flapping thresholds of the web check (percent state change over the last 20 checks). */
export const WEB_FLAPPING = { high: 25, low: 15 } as const;
/** Attempts before the web check is a hard problem, and the retry interval between them. */
export const WEB_MAX_CHECK_ATTEMPTS = 5;
export const WEB_RETRY_INTERVAL = '1m';

interface ApplyRule {
  readonly service: string;
  /** `for (key => value in host.vars.X)`: one service per entry, named `service` + key. */
  readonly forEach?: { readonly value: string; readonly hostVar: string };
  /** Host variable that must be a dictionary for the rule to apply. */
  readonly requires: string;
  /** Run on the host's agent (local checks) or on the scheduling node (the web check). */
  readonly onAgent: boolean;
  readonly body: readonly IcingaBodyLine[];
  readonly comment: string;
}

function renderApply(rule: ApplyRule, options: ResolvedIcinga2Options): string {
  const head = rule.forEach
    ? `apply Service ${icingaString(rule.service, 'attribute')} for (name => ${rule.forEach.value} in host.vars.${rule.forEach.hostVar})`
    : `apply Service ${icingaString(rule.service, 'attribute')}`;
  const endpoint: IcingaBodyLine[] = rule.onAgent && options.agentParentZone !== null ? [raw('command_endpoint = host.name')] : [];
  return icingaBlock(
    head,
    [
      raw(`import ${icingaString(TEMPLATE.service, 'attribute')}`),
      ...endpoint,
      ...rule.body,
      raw(`assign where "${TEMPLATE.host}" in host.templates && typeof(host.vars.${rule.requires}) == Dictionary`),
    ],
    rule.comment,
  );
}

const routing = (r: Routing): IcingaBodyLine => [`vars.${ROUTING_VAR}`, r];
const concern = (c: string): IcingaBodyLine => ['vars.listhost_concern', c];

const disk: ApplyRule = {
  service: SERVICE_PREFIX.disk,
  forEach: { value: 'volume', hostVar: HOST_VAR.volumes },
  requires: HOST_VAR.volumes,
  onAgent: true,
  comment: 'One check per filesystem: space and inodes (2014: the root filesystem ran out of inodes, only space was alerted).',
  body: [
    raw('display_name = "disk " + name'),
    raw('check_command = "disk"'),
    concern('disk'),
    routing('ticket'),
    raw('vars.disk_partitions = [ volume.mountpoint ]'),
    // A volume that is not mounted is CRITICAL instead of silently checking its parent (a restore onto /).
    ['vars.disk_exact_match', true],
    // Named mountpoints are checked whatever their type (the ITL skips tmpfs and others by default).
    ['vars.disk_exclude_type', []],
    raw('vars.disk_wfree = volume.space_free_warning_percent + "%"'),
    raw('vars.disk_cfree = volume.space_free_critical_percent + "%"'),
    raw('vars.disk_inode_wfree = volume.inodes_free_warning_percent + "%"'),
    raw('vars.disk_inode_cfree = volume.inodes_free_critical_percent + "%"'),
  ],
};

const procs: ApplyRule = {
  service: SERVICE_PREFIX.procs,
  forEach: { value: 'group', hostVar: HOST_VAR.processGroups },
  requires: HOST_VAR.processGroups,
  onAgent: true,
  comment: 'One check per process group with its exact expected count (2023: the out runner died, a total count hid it).',
  body: [
    raw('display_name = "processes " + name'),
    raw('check_command = "procs"'),
    concern('processes'),
    raw(`vars.${ROUTING_VAR} = group.routing`),
    raw('vars.procs_argument_regex = group.argument_regex'),
    raw('vars.procs_user = group.user'),
    raw('vars.procs_warning = group.expected_processes + ":" + group.expected_processes'),
    raw('vars.procs_critical = group.expected_processes + ":" + group.expected_processes'),
  ],
};

const queue: ApplyRule = {
  service: SERVICE_PREFIX.queue,
  forEach: { value: 'queue', hostVar: HOST_VAR.queues },
  requires: HOST_VAR.queues,
  onAgent: true,
  comment: 'One check per queue: age of the oldest message and message count (2023: the out queue grew to 4k unmonitored).',
  body: [
    raw('display_name = "queue " + name'),
    raw(`check_command = ${icingaString(COMMAND.queue, 'attribute')}`),
    concern('queue'),
    raw(`vars.${ROUTING_VAR} = queue.routing`),
    raw(`vars.${QUEUE_COMMAND_VAR.name} = name`),
    raw(`vars.${QUEUE_COMMAND_VAR.directory} = queue.directory`),
    raw(`vars.${QUEUE_COMMAND_VAR.ageWarning} = queue.age_warning_seconds`),
    raw(`vars.${QUEUE_COMMAND_VAR.ageCritical} = queue.age_critical_seconds`),
    raw(`vars.${QUEUE_COMMAND_VAR.countWarning} = queue.messages_warning`),
    raw(`vars.${QUEUE_COMMAND_VAR.pattern} = host.vars.${HOST_VAR.queueFilePattern}`),
    raw(`vars.${QUEUE_COMMAND_VAR.glob} = host.vars.${HOST_VAR.queueFileGlob}`),
    raw(`vars.${QUEUE_COMMAND_VAR.maxDepth} = host.vars.${HOST_VAR.queueFileMaxDepth}`),
  ],
};

const web: ApplyRule = {
  service: SERVICE_NAME.web,
  requires: HOST_VAR.web,
  onAgent: false,
  comment:
    'The web front end as users reach it. Retried before it is a problem, and flapping detection suppresses\n' +
    'problem notifications while it flaps and opens a ticket instead (2023: a flaky check taught people to ignore alerts).',
  body: [
    ['display_name', 'web front end'],
    raw('check_command = "http"'),
    ['max_check_attempts', WEB_MAX_CHECK_ATTEMPTS],
    ['retry_interval', raw(WEB_RETRY_INTERVAL)],
    ['enable_flapping', true],
    ['flapping_threshold_high', WEB_FLAPPING.high],
    ['flapping_threshold_low', WEB_FLAPPING.low],
    concern('web'),
    routing('ticket'),
    raw(`vars.http_address = host.vars.${HOST_VAR.web}.address`),
    raw(`vars.http_vhost = host.vars.${HOST_VAR.web}.vhost`),
    raw(`vars.http_uri = host.vars.${HOST_VAR.web}.uri`),
    raw(`vars.http_port = host.vars.${HOST_VAR.web}.port`),
    raw(`vars.http_ssl = host.vars.${HOST_VAR.web}.ssl`),
    raw(`vars.http_sni = host.vars.${HOST_VAR.web}.ssl`),
    ['vars.http_onredirect', 'follow'],
  ],
};

const database: ApplyRule = {
  service: SERVICE_NAME.database,
  requires: HOST_VAR.database,
  onAgent: true,
  comment: 'The database as the host reaches it (in 2023 a worker died when it could not connect to it).',
  body: [
    ['display_name', 'database TCP'],
    raw('check_command = "tcp"'),
    concern('database'),
    routing('ticket'),
    raw(`vars.tcp_address = host.vars.${HOST_VAR.database}.host`),
    raw(`vars.tcp_port = host.vars.${HOST_VAR.database}.port`),
  ],
};

export function renderServices(options: ResolvedIcinga2Options): string[] {
  return [disk, procs, queue, web, database].map((rule) => renderApply(rule, options));
}
