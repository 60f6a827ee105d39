/**
 * Commands: the CheckCommand of the library's queue plugin and the
 * NotificationCommands the notification rules use. The ITL provides the rest
 * (`disk`, `procs`, `http`, `tcp`, `hostalive`).
 */
import { icingaBlock, objectHead, raw } from './dsl';
import { COMMAND, HOST_VAR, QUEUE_PLUGIN_NAME } from './names';

/** Custom variables the `listhost-queue` command reads. */
export const QUEUE_COMMAND_VAR = {
  directory: 'listhost_queue_directory',
  ageWarning: 'listhost_queue_age_warning',
  ageCritical: 'listhost_queue_age_critical',
  countWarning: 'listhost_queue_count_warning',
  countCritical: 'listhost_queue_count_critical',
  pattern: 'listhost_queue_pattern',
  glob: 'listhost_queue_glob',
  maxDepth: 'listhost_queue_max_depth',
  /** The queue's name (the `queue` label of the collector's series). */
  name: 'listhost_queue_name',
} as const;

const macro = (name: string) => `$${name}$`;

function queueCommand(): string {
  const v = QUEUE_COMMAND_VAR;
  return icingaBlock(
    objectHead('object', 'CheckCommand', COMMAND.queue),
    [
      ['command', [raw(`PluginDir + "/${QUEUE_PLUGIN_NAME}"`)]],
      [
        'arguments',
        {
          '-d': { value: macro(v.directory), required: true, description: 'Queue directory' },
          '-w': { value: macro(v.ageWarning), required: true, description: 'WARNING if the oldest message is older (seconds)' },
          '-c': { value: macro(v.ageCritical), required: true, description: 'CRITICAL if the oldest message is older (seconds)' },
          '-W': { value: macro(v.countWarning), description: 'WARNING if more messages than this' },
          '-C': { value: macro(v.countCritical), description: 'CRITICAL if more messages than this' },
          '--pattern': { value: macro(v.pattern), description: 'Regex (ERE); a matching file name starts with the enqueue time (Unix seconds)' },
          '--glob': { value: macro(v.glob), description: 'Files whose name matches this glob are messages' },
          '--max-depth': { value: macro(v.maxDepth), description: 'Look for messages down to this depth (1: the directory only, as find -maxdepth)' },
          // Resolved from the host: set only where the spool is the service user's alone.
          '--textfile': { value: macro(HOST_VAR.queueTextfile), description: 'Read the count and age the root-run queue collector wrote here, not the directory' },
          '--queue': { value: macro(v.name), description: 'Queue name in the collector\'s textfile' },
        },
        'attribute',
      ],
    ],
    `Runs ${QUEUE_PLUGIN_NAME} (rendered by lib/render/queue-check-plugin.ts, installed by provisioning in the agent's PluginDir).`,
  );
}

/** Arguments of Debian's /etc/icinga2/scripts/mail-{host,service}-notification.sh. */
function notificationCommand(kind: 'host' | 'service'): string {
  const name = kind === 'host' ? COMMAND.hostNotification : COMMAND.serviceNotification;
  const args: Record<string, { value: string; required?: boolean }> = {
    '-4': { value: '$notification_address$' },
    '-b': { value: '$notification_author$' },
    '-c': { value: '$notification_comment$' },
    '-d': { value: '$notification_date$', required: true },
    '-l': { value: '$notification_hostname$', required: true },
    '-n': { value: '$notification_hostdisplayname$', required: true },
    '-o': { value: `$notification_${kind}output$`, required: true },
    '-r': { value: '$notification_useremail$', required: true },
    '-s': { value: `$notification_${kind}state$`, required: true },
    '-t': { value: '$notification_type$', required: true },
  };
  const vars: Record<string, string> = {
    notification_address: '$address$',
    notification_author: '$notification.author$',
    notification_comment: '$notification.comment$',
    notification_type: '$notification.type$',
    notification_date: '$icinga.long_date_time$',
    notification_hostname: '$host.name$',
    notification_hostdisplayname: '$host.display_name$',
    notification_useremail: '$user.email$',
  };
  vars[`notification_${kind}output`] = `$${kind}.output$`;
  vars[`notification_${kind}state`] = `$${kind}.state$`;
  if (kind === 'service') {
    args['-e'] = { value: '$notification_servicename$', required: true };
    args['-u'] = { value: '$notification_servicedisplayname$', required: true };
    vars.notification_servicename = '$service.name$';
    vars.notification_servicedisplayname = '$service.display_name$';
  }
  const sortedArgs = Object.fromEntries(Object.entries(args).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return icingaBlock(
    objectHead('object', 'NotificationCommand', name),
    [
      ['command', [raw(`ConfigDir + "/scripts/mail-${kind}-notification.sh"`)]],
      ['arguments', sortedArgs, 'attribute'],
      // Macro strings on purpose: these are resolved when the notification is sent.
      ...Object.entries(vars).map(([k, v]) => [`vars.${k}`, v, 'attribute'] as const),
    ],
    `Mails through the script Debian's icinga2 package ships; named ${name} so it cannot clash with the sample mail-${kind}-notification.`,
  );
}

export function renderCommands(): string[] {
  return [queueCommand(), notificationCommand('service'), notificationCommand('host')];
}
