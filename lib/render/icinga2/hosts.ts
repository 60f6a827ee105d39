/**
 * Hosts: one `Host` object per list host carrying the model data the apply
 * rules in services.conf read (volumes, process groups, queues, web,
 * database; what a service model gives its hosts comes from a template per
 * model), the agent Endpoint/Zone per host, and host groups per site and
 * row so a maintenance in a place finds every list host there.
 */
import type { HostModel, ProcessGroupModel, QueueModel, VolumeModel } from '../../model/types';
import { IcingaBodyLine, IcingaValue, icingaBlock, icingaObjectName, icingaString, objectHead, raw } from './dsl';
import { HOST_VAR, Routing, TEMPLATE } from './names';
import { queueTextfilePath } from '../queue-check-plugin';
import type { ResolvedIcinga2Options } from './options';

export function volumeVars(host: HostModel, volume: VolumeModel): IcingaValue {
  const t = host.filesystemThresholds;
  return {
    mountpoint: volume.mountpoint,
    device: volume.device,
    fstype: volume.fstype,
    space_free_warning_percent: t.spaceFreeWarningPercent,
    space_free_critical_percent: t.spaceFreeCriticalPercent,
    inodes_free_warning_percent: t.inodesFreeWarningPercent,
    inodes_free_critical_percent: t.inodesFreeCriticalPercent,
  };
}

export function processGroupRouting(group: ProcessGroupModel): Routing {
  return group.severity === 'critical' ? 'page' : 'ticket';
}

export function processGroupVars(group: ProcessGroupModel): IcingaValue {
  return {
    role: group.role,
    user: group.user,
    argument_regex: group.pgrepPattern,
    expected_processes: group.expectedProcesses,
    severity: group.severity,
    routing: processGroupRouting(group),
  };
}

export function queueRouting(queue: QueueModel): Routing {
  return queue.pagesOnAge ? 'page-critical' : 'ticket';
}

/** Message count above which the queue check warns: any message for `ticketWhenNonEmpty` queues. */
export function queueMessagesWarning(queue: QueueModel): number {
  return queue.ticketWhenNonEmpty ? 0 : queue.messagesWarning;
}

export function queueVars(queue: QueueModel): IcingaValue {
  return {
    directory: queue.directory,
    age_warning_seconds: queue.ageWarningSeconds,
    age_critical_seconds: queue.ageCriticalSeconds,
    messages_warning: queueMessagesWarning(queue),
    pages_on_age: queue.pagesOnAge,
    ticket_when_non_empty: queue.ticketWhenNonEmpty,
    routing: queueRouting(queue),
  };
}

/** The web URL split into the ITL `http` command's parts. */
export function webVars(webUrl: string): IcingaValue {
  let url: URL;
  try {
    url = new URL(webUrl);
  } catch {
    throw new Error(`webUrl ${JSON.stringify(webUrl)} is not a URL; set an absolute http(s) URL or null`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`webUrl ${JSON.stringify(webUrl)} uses ${url.protocol}; only http and https can be checked`);
  }
  const ssl = url.protocol === 'https:';
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    url: webUrl,
    address: hostname,
    vhost: hostname,
    uri: url.pathname + url.search,
    port: url.port === '' ? (ssl ? 443 : 80) : Number(url.port),
    ssl,
  };
}

function uniqueKeys<T>(items: readonly T[], key: (t: T) => string, what: string, fqdn: string): Record<string, T> {
  const out: Record<string, T> = {};
  for (const item of items) {
    const k = key(item);
    if (Object.prototype.hasOwnProperty.call(out, k)) throw new Error(`${fqdn}: ${what} ${JSON.stringify(k)} is defined twice; names must be unique per host`);
    out[k] = item;
  }
  return out;
}

function mapValues<T>(record: Record<string, T>, f: (t: T) => IcingaValue): { [k: string]: IcingaValue } {
  const out: { [k: string]: IcingaValue } = {};
  for (const [k, v] of Object.entries(record)) out[k] = f(v);
  return out;
}

/**
 * The variables a host's service gives it: the service, its process groups,
 * queues and queue file settings. Read from `host.service` only, so hosts
 * with the same service model get the same lines.
 */
function serviceVarLines(host: HostModel): IcingaBodyLine[] {
  const groups = uniqueKeys(host.service.processGroups, (g) => g.groupname, 'process group', host.fqdn);
  const queues = uniqueKeys(host.service.queues, (q) => q.name, 'queue', host.fqdn);
  return [
    [
      `vars.${HOST_VAR.service}`,
      { kind: host.service.kind, version: host.service.version, unit: host.service.unit, config_file: host.service.configFile },
    ],
    [`vars.${HOST_VAR.processGroups}`, mapValues(groups, processGroupVars)],
    [`vars.${HOST_VAR.queues}`, mapValues(queues, queueVars)],
    // An empty pattern tells the plugin to age every file by its mtime (the model's null).
    [`vars.${HOST_VAR.queueFilePattern}`, host.service.queueFilePattern ?? ''],
    [`vars.${HOST_VAR.queueFileGlob}`, host.service.queueFileGlob],
    [`vars.${HOST_VAR.queueFileMaxDepth}`, host.service.queueFileMaxDepth],
  ];
}

export interface ServiceTemplates {
  /** The templates, in the order their first host comes. */
  readonly blocks: readonly string[];
  /** The template a host imports. */
  templateOf(host: HostModel): string;
}

/**
 * One Host template per distinct service model, imported by its hosts: a
 * fleet's hosts share their process groups and queues, about 8 KB of a
 * host's 9, so they are written once per stack, not once per host. Named
 * `listhost-<kind>-<version>`, then `-2`, `-3`, ... for other models of the
 * same service, in the order of the hosts given (fqdn order).
 */
export function serviceTemplates(hosts: readonly HostModel[]): ServiceTemplates {
  // Hosts of a fleet share one service object (lib/model/shared-service-models.ts): found by identity
  // first, then by content, so equal models from elsewhere (host specs, tests) share a template too.
  const nameByObject = new Map<HostModel['service'], string>();
  const nameByModel = new Map<string, string>();
  const taken = new Set<string>(Object.values(TEMPLATE));
  const blocks: string[] = [];
  for (const host of hosts) {
    if (nameByObject.has(host.service)) continue;
    const model = JSON.stringify(host.service);
    let name = nameByModel.get(model);
    if (name === undefined) {
      const base = `${TEMPLATE.host}-${host.service.kind}-${host.service.version}`;
      name = base;
      for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
      taken.add(name);
      nameByModel.set(model, name);
      blocks.push(icingaBlock(objectHead('template', 'Host', name), serviceVarLines(host), `What every ${host.service.kind} ${host.service.version} host below with these process groups and queues shares.`));
    }
    nameByObject.set(host.service, name);
  }
  return {
    blocks,
    templateOf: (host) => {
      const name = nameByObject.get(host.service);
      if (name === undefined) throw new Error(`${host.fqdn}: no service template was made for this host`);
      return name;
    },
  };
}

/** A host's object: the generic host template, its service's template, then what is its own. */
export function renderHost(host: HostModel, serviceTemplate: string): string {
  const volumes = uniqueKeys(host.volumes, (v) => v.name, 'volume', host.fqdn);
  const body: IcingaBodyLine[] = [
    raw(`import ${icingaString(TEMPLATE.host, 'attribute')}`),
    raw(`import ${icingaString(serviceTemplate, 'attribute')}`),
    ['address', host.fqdn],
    ['display_name', host.fqdn],
    ['groups', hostGroupNames(host)],
    [`vars.${HOST_VAR.location}`, { site: host.location.site, row: host.location.row, rack: host.location.rack }],
    [
      `vars.${HOST_VAR.platform}`,
      {
        os: host.platform.os,
        release: host.platform.release,
        agent: { name: host.platform.agent.name, version: host.platform.agent.version },
      },
    ],
    [`vars.${HOST_VAR.contacts}`, host.contacts.map((c) => ({ name: c.name, email: c.email }))],
    [`vars.${HOST_VAR.volumes}`, mapValues(volumes, (v) => volumeVars(host, v))],
  ];
  // The spool is the service user's alone (Postfix: 0700 postfix): the check reads what the root-run collector wrote.
  if (host.service.queueCheckSource === 'collector') body.push([`vars.${HOST_VAR.queueTextfile}`, queueTextfilePath(host)]);
  if (host.webUrl !== null) body.push([`vars.${HOST_VAR.web}`, webVars(host.webUrl)]);
  if (host.database !== null) body.push([`vars.${HOST_VAR.database}`, { host: host.database.host, port: host.database.port }]);
  return icingaBlock(objectHead('object', 'Host', host.fqdn), body);
}

/** The agent Endpoint and Zone of a host (its checks run there through `command_endpoint`). */
export function renderAgent(host: HostModel, options: ResolvedIcinga2Options): string {
  if (options.agentParentZone === null) return '';
  return [
    icingaBlock(objectHead('object', 'Endpoint', host.fqdn), [['host', host.fqdn]]),
    icingaBlock(objectHead('object', 'Zone', host.fqdn), [
      ['endpoints', [host.fqdn]],
      ['parent', options.agentParentZone],
    ]),
  ].join('\n\n');
}

/** Names of the host groups a host belongs to: its site and its row (rows are per site). */
export function hostGroupNames(host: HostModel): [site: string, row: string] {
  return [`listhost-site-${host.location.site}`, `listhost-row-${host.location.site}-${host.location.row}`];
}

/** Host groups `listhost-site-<site>` and `listhost-row-<site>-<row>` for every place a host stands in. */
export function renderHostGroups(hosts: readonly HostModel[]): string[] {
  const groups = new Map<string, string>();
  for (const h of hosts) {
    const [site, row] = hostGroupNames(h);
    groups.set(site, `list hosts in site ${h.location.site}`);
    groups.set(row, `list hosts in site ${h.location.site}, row ${h.location.row}`);
  }
  return [...groups.keys()]
    .sort()
    .map((name) => icingaBlock(objectHead('object', 'HostGroup', name), [['display_name', groups.get(name)!]]));
}

/** Checks that every host name is usable and unique. */
export function checkHostNames(hosts: readonly HostModel[]): void {
  const seen = new Set<string>();
  for (const h of hosts) {
    icingaObjectName(h.fqdn);
    if (seen.has(h.fqdn)) throw new Error(`host ${JSON.stringify(h.fqdn)} is declared twice; each host needs its own fqdn`);
    seen.add(h.fqdn);
  }
}
