/**
 * Names the rendered Icinga 2 configuration uses, in one place so renderers,
 * tests and policy rules agree. Everything of ours is prefixed `listhost-`
 * (objects) or `listhost_` (custom variables) so it cannot collide with an
 * operator's own configuration.
 */

/** Rendered file names (keys of `renderIcinga2`'s result), in write order. */
export const ICINGA2_FILES = {
  commands: 'commands.conf',
  templates: 'templates.conf',
  agents: 'agents.conf',
  hosts: 'hosts.conf',
  hostgroups: 'hostgroups.conf',
  services: 'services.conf',
  notifications: 'notifications.conf',
} as const;

export const TEMPLATE = {
  host: 'listhost-host',
  service: 'listhost-service',
} as const;

/** Prefixes of the services generated per volume, process group and queue; the suffix is the model name. */
export const SERVICE_PREFIX = {
  disk: 'disk-',
  procs: 'procs-',
  queue: 'queue-',
} as const;

/** Single services per host. */
export const SERVICE_NAME = {
  web: 'web',
  database: 'database-tcp',
} as const;

export const COMMAND = {
  /** CheckCommand running the library's queue plugin. */
  queue: 'listhost-queue',
  serviceNotification: 'listhost-service-notification',
  hostNotification: 'listhost-host-notification',
} as const;

/** File name of the queue plugin under the agent's `PluginDir`. */
export const QUEUE_PLUGIN_NAME = 'check_listhost_queue';
/** Where provisioning installs the queue plugin on a list host (Debian's `PluginDir`). */
export const QUEUE_PLUGIN_PATH = `/usr/lib/nagios/plugins/${QUEUE_PLUGIN_NAME}`;

/** Host custom variables that hold the model data the apply rules read. */
export const HOST_VAR = {
  location: 'location',
  platform: 'platform',
  service: 'listhost_service',
  contacts: 'listhost_contacts',
  volumes: 'listhost_volumes',
  processGroups: 'listhost_process_groups',
  queues: 'listhost_queues',
  /** Empty when the model's pattern is null: the plugin then ages every file by its mtime. */
  queueFilePattern: 'listhost_queue_file_pattern',
  queueFileGlob: 'listhost_queue_file_glob',
  /** How deep below a queue directory messages are (1: the directory only). */
  queueFileMaxDepth: 'listhost_queue_file_max_depth',
  /**
   * Set only on hosts whose service reads its queues from the collector
   * (ServiceModel.queueCheckSource `collector`): the textfile the root-run
   * queue collector writes, which the queue check then reads instead of the
   * spool the nagios user may not read.
   */
  queueTextfile: 'listhost_queue_textfile',
  web: 'listhost_web',
  database: 'listhost_database',
} as const;

/**
 * `vars.listhost_routing` on every service, read by the notification apply rules:
 * - `page`: every problem notifies the pager group;
 * - `page-critical`: CRITICAL notifies the pager group, WARNING and UNKNOWN the ticket group
 *   (queue age of a paging queue: critical age pages, the rest opens a ticket);
 * - `ticket`: every problem notifies the ticket group.
 */
export type Routing = 'page' | 'page-critical' | 'ticket';
export const ROUTING_VAR = 'listhost_routing';

/** Default user groups (overridable through `Icinga2Options`). */
export const DEFAULT_PAGER_USER_GROUP = 'oncall';
export const DEFAULT_TICKET_USER_GROUP = 'tickets';
