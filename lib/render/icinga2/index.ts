/**
 * Icinga 2 renderer: host models -> `monitoring/icinga2/*.conf`.
 *
 * Pure and deterministic: hosts are written in fqdn order, everything else in
 * model order, so the same models always give the same bytes. The result
 * loads with the ITL (`include <itl>`, `include <plugins>`); with agents (the
 * default) the scheduling node must also define the parent zone.
 */
import type { HostModel } from '../../model/types';
import { icingaFile } from './dsl';
import { renderCommands } from './commands';
import { checkHostNames, renderAgent, renderHost, renderHostGroups, serviceTemplates } from './hosts';
import { ICINGA2_FILES } from './names';
import { renderNotifications } from './notifications';
import { Icinga2Options, resolveIcinga2Options } from './options';
import { renderServices } from './services';
import { renderTemplates } from './templates';

export { icingaString, icingaValue, raw } from './dsl';
export type { IcingaStringContext, IcingaValue } from './dsl';
export type { Icinga2Options } from './options';
export * from './names';
export { QUEUE_COMMAND_VAR } from './commands';
export { PAGE_RENOTIFY_INTERVAL, SERVICE_NOTIFICATION_RULES } from './notifications';
export { WEB_FLAPPING, WEB_MAX_CHECK_ATTEMPTS, WEB_RETRY_INTERVAL } from './services';

/** File name (relative to `monitoring/icinga2/`) -> content. */
export function renderIcinga2(hosts: readonly HostModel[], options: Icinga2Options = {}): Record<string, string> {
  const resolved = resolveIcinga2Options(options);
  checkHostNames(hosts);
  const sorted = [...hosts].sort((a, b) => (a.fqdn < b.fqdn ? -1 : a.fqdn > b.fqdn ? 1 : 0));
  const files: Record<string, string> = {
    [ICINGA2_FILES.commands]: icingaFile('Commands of the list host checks and notifications.', renderCommands()),
    [ICINGA2_FILES.templates]: icingaFile('Templates of list hosts and their services.', renderTemplates(resolved)),
  };
  if (resolved.agentParentZone !== null) {
    files[ICINGA2_FILES.agents] = icingaFile('Each list host as an Icinga agent: its local checks run there.', sorted.map((h) => renderAgent(h, resolved)));
  }
  const templates = serviceTemplates(sorted);
  files[ICINGA2_FILES.hosts] = icingaFile(
    'List hosts; their variables drive the apply rules in services.conf.',
    [...templates.blocks, ...sorted.map((host) => renderHost(host, templates.templateOf(host)))],
  );
  files[ICINGA2_FILES.hostgroups] = icingaFile('Host groups per site and row, for maintenance.', renderHostGroups(sorted));
  files[ICINGA2_FILES.services] = icingaFile('Services of list hosts, one apply rule per concern.', renderServices(resolved));
  files[ICINGA2_FILES.notifications] = icingaFile('Who hears about list host problems.', renderNotifications(resolved));
  return files;
}
