/** Types shared by the runbook renderer and its sections. */
import type { HostModel, ServiceVocabularyModel } from '../../model/types';
import type { HostClass } from './hosts';
import type { Incident } from './incidents';

/** One alerting rule as the mixin generates it (one entry per severity variant). */
export interface AlertSummary {
  readonly alert: string;
  readonly severity: string;
  readonly summary: string;
  readonly description: string;
  readonly expr: string;
  readonly for?: string;
}

export type CategoryId =
  | 'host-down'
  | 'self-heal'
  | 'collector'
  | 'master'
  | 'runner'
  | 'failed-messages'
  | 'queue-age'
  | 'queue-growth'
  | 'queue-messages'
  | 'inodes'
  | 'space'
  | 'database'
  | 'web'
  | 'generic';

export interface PageContext {
  readonly alert: string;
  readonly variants: readonly AlertSummary[];
  readonly classes: readonly HostClass[];
  /** Ordered by fqdn. */
  readonly hosts: readonly HostModel[];
  /** How the page names the service's parts: the hosts' vocabulary when they agree, else neutral words. */
  readonly words: ServiceVocabularyModel;
  /** Whether a host's service is Mailman (its own commands and history are told). */
  readonly mailman: boolean;
  /** Whether any host declares a database (probed, so the database alert exists). */
  readonly database: boolean;
  /** Whether any host's service has list admins to tell (ServiceModel.listVisibleOutages). */
  readonly listAdmins: boolean;
  /** Markdown links to the runbooks of the alerts (in the list) of these categories. */
  readonly seeAlso: (...categories: CategoryId[]) => string;
}

/** The body of a page; each part is markdown. */
export interface Section {
  readonly meaning: string;
  readonly diagnosis: string;
  readonly fix: string;
  readonly verify: string;
}

export interface Category {
  readonly id: CategoryId;
  /** Tried on the alert name, in table order. */
  readonly name: RegExp;
  /** Tried on the expression when no name matched. */
  readonly expr: RegExp | null;
  readonly incidents: readonly Incident['id'][];
  /** Categories whose alerts the page links to. */
  readonly related: readonly CategoryId[];
  readonly render: (ctx: PageContext) => Section;
}
