/**
 * Templates: check timing shared by every list host and service, and the
 * zone the objects live in when the hosts are agents.
 */
import { IcingaBodyLine, icingaBlock, objectHead, raw } from './dsl';
import { TEMPLATE } from './names';
import type { ResolvedIcinga2Options } from './options';

export function renderTemplates(options: ResolvedIcinga2Options): string[] {
  // Objects whose checks run on an agent must belong to the agent's parent zone.
  const zone: IcingaBodyLine[] = options.agentParentZone === null ? [] : [['zone', options.agentParentZone]];
  return [
    icingaBlock(
      objectHead('template', 'Host', TEMPLATE.host),
      [['check_command', 'hostalive'], ['max_check_attempts', 3], ['check_interval', raw('1m')], ['retry_interval', raw('30s')], ...zone],
      'A list host; its host check only says whether it answers, its services say what is broken.',
    ),
    icingaBlock(
      objectHead('template', 'Service', TEMPLATE.service),
      [
        ['max_check_attempts', 3],
        ['check_interval', raw('1m')],
        ['retry_interval', raw('30s')],
        // Flapping suppresses problem notifications; only the web check opts in.
        ['enable_flapping', false],
        ...zone,
      ],
      'Every list host service. A dead runner is CRITICAL after about two minutes.',
    ),
  ];
}
