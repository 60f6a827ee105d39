/**
 * The two outages this library exists for (shared/seeds/ of the project),
 * told where an alert would have changed them.
 */

/**
 * How a telling names the software the outages happened on: by name on the
 * pages of a stack with Mailman hosts, generically on the pages of other
 * services (a Postfix relay's runbook should not send its reader to Mailman).
 */
export interface IncidentNames {
  readonly files: string;
  /** The process that died in 2023. */
  readonly runner: string;
  readonly service: string;
  /** What the dead process was, in the title: `` `out` runner ``. */
  readonly dead: string;
  /** One process of its kind, and the plural. */
  readonly worker: string;
  readonly workers: string;
  /** Its supervisor, which did not restart it. */
  readonly master: string;
}

export const MAILMAN_NAMES: IncidentNames = {
  files: 'Mailman files', runner: 'the Mailman 3 `out` runner', service: 'the mailman3 service',
  dead: '`out` runner', worker: 'runner', workers: 'runners', master: 'the master',
};
/** The same events in words that fit any service: the worker process that sent a mailing-list host's mail. */
export const GENERIC_NAMES: IncidentNames = {
  files: 'mailing-list files', runner: 'the mailing-list software\'s outgoing-mail worker', service: 'the mailing-list service',
  dead: 'outgoing-mail worker', worker: 'worker', workers: 'workers', master: 'its supervisor',
};

export interface Incident {
  readonly id: 'inodes-2014' | 'runner-2023';
  readonly title: (names: IncidentNames) => string;
  readonly text: (names: IncidentNames) => string;
  /** A public link, when the report names one. */
  readonly link: string | null;
}

export const INCIDENTS: Record<Incident['id'], Incident> = {
  'inodes-2014': {
    id: 'inodes-2014',
    title: () => '2014: inode exhaustion after a restore (lists.wikimedia.org, about 16 hours down)',
    text: (names) =>
      'A config-management change crashed the list servers that still ran an older agent (Puppet 2.7). ' +
      `Corrupted ${names.files} were restored from backup onto the root filesystem; 36 minutes after the ` +
      'restore, the restored files plus the mail waiting in the queues had used up every inode of the root ' +
      'filesystem, and nothing on the host could write any more. Space was alerted on, inodes were not: ' +
      'the next human noticed 11 hours later, and more than 10,000 outgoing messages had queued up by then. ' +
      'Restores now go to their own volume, and inodes page on a threshold and on a fast burst.',
    link: null,
  },
  'runner-2023': {
    id: 'runner-2023',
    title: (names) => `2023: the dead ${names.dead} (lists1001, over 2 days to notice, 5 hours to drain)`,
    text: (names) =>
      `During network maintenance ${names.runner} lost its database connection and crashed; ` +
      `${names.master} never restarts a ${names.worker} that died of an exception. Mail kept coming in and was processed, but ` +
      `nothing went out. The ${names.worker} check fired within 10 minutes and nobody looked (it did not page, and ` +
      'flaky web alerts had taught people to tune alerts out); the `out` queue, which was not monitored, grew ' +
      `to 4,000 messages over two days. Restarting ${names.service} restarted every ${names.worker}, and the ` +
      `backlog took over 5 hours to drain. So a dead ${names.worker} pages, each ${names.worker} is checked on its own, and ` +
      'the age of the oldest queued message pages.',
    link: 'https://phabricator.wikimedia.org/T331626',
  },
};

export function incidentSection(ids: readonly Incident['id'][], names: IncidentNames = MAILMAN_NAMES): string {
  if (ids.length === 0) return '';
  return ids
    .map((id) => {
      const incident = INCIDENTS[id];
      const link = incident.link ? ` (${incident.link})` : '';
      return `**${incident.title(names)}.** ${incident.text(names)}${link}`;
    })
    .join('\n\n');
}
