/**
 * What a Mailman 3 release runs, verified on Debian 12's mailman3 3.3.8:
 * the runners started by default and the queue directories under
 * `<var_dir>/queue/`. The task runner arrived in 3.3.0.
 */

export interface MailmanRelease {
  /** Runner names started by `mailman start` with the default configuration. */
  readonly runners: readonly string[];
  /** Queue directories the runners read and write. */
  readonly queues: readonly string[];
}

const RUNNERS_3_2 = ['archive', 'bounces', 'command', 'digest', 'in', 'lmtp', 'nntp', 'out', 'pipeline', 'rest', 'retry', 'virgin'];
const QUEUES = ['archive', 'bad', 'bounces', 'command', 'digest', 'in', 'nntp', 'out', 'pipeline', 'retry', 'shunt', 'virgin'];

const RELEASES: Readonly<Record<string, MailmanRelease>> = {
  '3.2': { runners: RUNNERS_3_2, queues: QUEUES },
  '3.3': { runners: [...RUNNERS_3_2, 'task'].sort(), queues: QUEUES },
};

/** Supported `major.minor` series, for error messages. */
export const SUPPORTED_MAILMAN_SERIES = Object.keys(RELEASES);

/** The release description for a version like "3.3.8", or undefined when unsupported. */
export function mailmanRelease(version: string): MailmanRelease | undefined {
  const match = /^(\d+\.\d+)\.\d+$/.exec(version);
  return match ? RELEASES[match[1]] : undefined;
}

/** Queues whose oldest-message age pages: mail that stops leaving. */
export const PAGING_QUEUES: readonly string[] = ['out', 'retry'];
/**
 * Queues that page when they keep growing: Mailman's retry runner moves every
 * message retry -> out -> retry each 15 minutes while the local MTA refuses
 * mail (seen on 3.3.8), and each hop renames the file with a new timestamp,
 * so the age of `retry` resets and only its count tells of an SMTP outage.
 * On a list host `retry` is normally empty: the local MTA accepts everything.
 */
export const GROWTH_PAGING_QUEUES: readonly string[] = ['retry'];
/** Queues where any message needs a human (failed processing). */
export const TICKET_QUEUES: readonly string[] = ['bad', 'shunt'];

/**
 * Queue file names: `<enqueue time>+<sha1 hex>.pck`, the time as Unix
 * seconds with an optional fraction; the leading number is the enqueue time.
 * A runner renames a message to `.bak` while it works on it (and recovers
 * `.bak` files after a crash), and `bad/` keeps messages as `.psv`: all three
 * are messages waiting in the queue. `.tmp` files are being written.
 */
export const MAILMAN_QUEUE_FILE_PATTERN = '^[0-9]+(\\.[0-9]+)?\\+[0-9a-f]+\\.(pck|bak|psv)$';
/** One glob for find -name and the shell matching .pck, .bak and .psv (and no suffix Mailman uses otherwise). */
export const MAILMAN_QUEUE_FILE_GLOB = '*.[pb][sca][vk]';
