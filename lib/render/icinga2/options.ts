import { IcingaExpression, raw } from './dsl';
import { DEFAULT_PAGER_USER_GROUP, DEFAULT_TICKET_USER_GROUP } from './names';

export interface Icinga2Options {
  /**
   * User group that critical process groups and the age checks of paging
   * queues notify (a page).
   * @default 'oncall'
   */
  readonly pagerUserGroup?: string;
  /**
   * User group every other problem notifies (a ticket).
   * @default 'tickets'
   */
  readonly ticketUserGroup?: string;
  /**
   * Zone of the Icinga node that schedules the checks. Each list host is
   * rendered as an Icinga agent (an Endpoint and a Zone under this parent),
   * and its host-local checks (disk, processes, queues, the database as the
   * host sees it) run on it through `command_endpoint`; the web check runs
   * from the parent. `undefined` uses the scheduling node's own `ZoneName`
   * constant (Debian's default `constants.conf` defines it). `null` renders
   * no agents: every check runs on the node that loads the configuration
   * (Icinga running on the list host itself, or tests).
   * @default ZoneName (the constant)
   */
  readonly agentParentZone?: string | null;
}

export interface ResolvedIcinga2Options {
  readonly pagerUserGroup: string;
  readonly ticketUserGroup: string;
  /** Parent zone (a string or the `ZoneName` constant), or null without agents. */
  readonly agentParentZone: string | IcingaExpression | null;
}

export function resolveIcinga2Options(options: Icinga2Options): ResolvedIcinga2Options {
  const pagerUserGroup = options.pagerUserGroup ?? DEFAULT_PAGER_USER_GROUP;
  const ticketUserGroup = options.ticketUserGroup ?? DEFAULT_TICKET_USER_GROUP;
  for (const [field, value] of [['pagerUserGroup', pagerUserGroup], ['ticketUserGroup', ticketUserGroup]] as const) {
    if (value.trim() === '' || value.includes('!')) {
      throw new Error(`Icinga2Options.${field} ${JSON.stringify(value)} is not a usable UserGroup name; use a non-empty name without "!"`);
    }
  }
  const zone = options.agentParentZone;
  if (typeof zone === 'string' && zone.trim() === '') {
    throw new Error('Icinga2Options.agentParentZone is empty; name the parent zone, or pass null to render no agents');
  }
  return {
    pagerUserGroup,
    ticketUserGroup,
    agentParentZone: zone === undefined ? raw('ZoneName') : zone,
  };
}
