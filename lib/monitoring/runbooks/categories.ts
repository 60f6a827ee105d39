/**
 * Which runbook content an alert gets, by a small table of name patterns
 * (tried in order; the first match wins), then of expression patterns, then
 * a generic page. So pages fit whatever exact names the mixin uses.
 */
import { collectorSection, failedMessagesSection, queueAgeSection, queueGrowthSection, queueMessagesSection } from './sections/queues';
import { inodesSection, spaceSection } from './sections/filesystems';
import { genericSection } from './sections/generic';
import { masterSection, runnerSection, selfHealSection } from './sections/processes';
import { databaseSection, hostDownSection, webSection } from './sections/reachability';
import type { AlertSummary, Category } from './types';

export const CATEGORIES: readonly Category[] = [
  { id: 'host-down', name: /HostDown|HostUnreachable|NodeDown/, expr: /(^|[^A-Za-z0-9_:])up\{/, incidents: ['runner-2023'], related: ['runner', 'queue-age'], render: hostDownSection },
  { id: 'self-heal', name: /SelfHeal/, expr: /_selfheal_/, incidents: ['runner-2023'], related: ['runner', 'database'], render: selfHealSection },
  { id: 'collector', name: /Collector/, expr: /_queue_collector_/, incidents: ['runner-2023'], related: ['queue-age', 'queue-messages'], render: collectorSection },
  { id: 'master', name: /Master/, expr: null, incidents: ['runner-2023'], related: ['runner', 'inodes'], render: masterSection },
  { id: 'runner', name: /Runner|Worker|Process(es)?(Down|Missing)/, expr: /namedprocess_namegroup|_expected_processes/, incidents: ['runner-2023'], related: ['database', 'queue-age', 'self-heal', 'master'], render: runnerSection },
  { id: 'failed-messages', name: /Shunt|Bad|Failed/, expr: /shunt|bad/, incidents: [], related: ['runner'], render: failedMessagesSection },
  { id: 'queue-growth', name: /Queue.*Grow|Growing/, expr: null, incidents: ['runner-2023'], related: ['queue-age', 'runner', 'queue-messages'], render: queueGrowthSection },
  { id: 'queue-age', name: /Queue.*(Age|Old)|Stall|Stuck|NotDraining/, expr: /_oldest_message_age_seconds/, incidents: ['runner-2023'], related: ['runner', 'database', 'queue-messages'], render: queueAgeSection },
  { id: 'queue-messages', name: /Queue|Backlog/, expr: /_queue_messages/, incidents: ['runner-2023', 'inodes-2014'], related: ['queue-age', 'inodes'], render: queueMessagesSection },
  { id: 'inodes', name: /Inode|Files(?!ystem)/, expr: /node_filesystem_files/, incidents: ['inodes-2014'], related: ['space', 'queue-messages'], render: inodesSection },
  { id: 'space', name: /Space|Filesystem|Disk|ReadOnly/, expr: /node_filesystem_/, incidents: ['inodes-2014'], related: ['inodes'], render: spaceSection },
  { id: 'database', name: /Database|Db[A-Z]|MySql|Mysql|MariaDB|Postgres/, expr: /probe="database"/, incidents: ['runner-2023'], related: ['runner', 'self-heal'], render: databaseSection },
  { id: 'web', name: /Web|Http|Probe|Site/, expr: /probe_success/, incidents: ['runner-2023'], related: ['runner', 'database'], render: webSection },
];

export const GENERIC: Category = { id: 'generic', name: /$^/, expr: null, incidents: [], related: [], render: genericSection };

/** The category of an alert: by name, else by any variant's expression, else generic. */
export function categorize(alert: string, variants: readonly AlertSummary[]): Category {
  return (
    CATEGORIES.find((c) => c.name.test(alert)) ??
    CATEGORIES.find((c) => c.expr !== null && variants.some((v) => (c.expr as RegExp).test(v.expr))) ??
    GENERIC
  );
}
