/**
 * Notifications: who hears about what. Services carry `vars.listhost_routing`
 * (see `Routing` in names.ts); these apply rules turn it into Notification
 * objects for the pager group (pages repeat every 30 minutes until someone
 * acknowledges: 2023's alert fired once and was missed for two days) and the
 * ticket group (once per problem).
 */
import { IcingaBodyLine, icingaBlock, icingaString, objectHead, raw } from './dsl';
import { COMMAND, ROUTING_VAR, Routing, TEMPLATE } from './names';
import type { ResolvedIcinga2Options } from './options';

/** Re-notification interval of pages. */
export const PAGE_RENOTIFY_INTERVAL = '30m';

const PAGE_TYPES = 'Problem, Acknowledgement, Recovery, Custom';
const TICKET_TYPES = 'Problem, Acknowledgement, Recovery, Custom, FlappingStart, FlappingEnd';

interface ServiceRule {
  readonly name: string;
  readonly group: 'pager' | 'ticket';
  readonly routing: Routing;
  readonly states: string;
}

/** Every routing value maps to the states each group hears about. */
export const SERVICE_NOTIFICATION_RULES: readonly ServiceRule[] = [
  { name: 'listhost-page', group: 'pager', routing: 'page', states: 'OK, Warning, Critical, Unknown' },
  { name: 'listhost-page-critical', group: 'pager', routing: 'page-critical', states: 'OK, Critical' },
  { name: 'listhost-ticket-below-critical', group: 'ticket', routing: 'page-critical', states: 'OK, Warning, Unknown' },
  { name: 'listhost-ticket', group: 'ticket', routing: 'ticket', states: 'OK, Warning, Critical, Unknown' },
];

function userGroups(options: ResolvedIcinga2Options): string[] {
  const groups: [string, string][] = [
    [options.pagerUserGroup, 'pages: critical process groups, age of paging queues'],
    [options.ticketUserGroup, 'tickets: everything else on the list hosts'],
  ];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const [name, what] of groups) {
    if (seen.has(name)) continue;
    seen.add(name);
    out.push(icingaBlock(objectHead('object', 'UserGroup', name), [['display_name', name === options.ticketUserGroup && name === options.pagerUserGroup ? 'list hosts: pages and tickets' : `list hosts ${what}`]]));
  }
  return out;
}

function serviceRule(rule: ServiceRule, options: ResolvedIcinga2Options): string {
  const page = rule.group === 'pager';
  const group = page ? options.pagerUserGroup : options.ticketUserGroup;
  const body: IcingaBodyLine[] = [
    ['command', COMMAND.serviceNotification],
    ['user_groups', [group]],
    raw(`states = [ ${rule.states} ]`),
    raw(`types = [ ${page ? PAGE_TYPES : TICKET_TYPES} ]`),
    ['interval', page ? raw(PAGE_RENOTIFY_INTERVAL) : 0],
    raw(`assign where "${TEMPLATE.host}" in host.templates && service.vars.${ROUTING_VAR} == ${icingaString(rule.routing)}`),
  ];
  return icingaBlock(`apply Notification ${icingaString(rule.name, 'attribute')} to Service`, body);
}

function hostRule(options: ResolvedIcinga2Options): string {
  return icingaBlock(
    `apply Notification ${icingaString('listhost-host-down', 'attribute')} to Host`,
    [
      ['command', COMMAND.hostNotification],
      ['user_groups', [options.pagerUserGroup]],
      raw('states = [ Up, Down ]'),
      raw(`types = [ ${PAGE_TYPES} ]`),
      ['interval', raw(PAGE_RENOTIFY_INTERVAL)],
      raw(`assign where "${TEMPLATE.host}" in host.templates`),
    ],
    'A list host that is down pages: Icinga suppresses the notifications of its services while it is down,\n' +
      'so its dead runners could not page on their own (2014: the host crashed).',
  );
}

export function renderNotifications(options: ResolvedIcinga2Options): string[] {
  return [...userGroups(options), ...SERVICE_NOTIFICATION_RULES.map((r) => serviceRule(r, options)), hostRule(options)];
}
