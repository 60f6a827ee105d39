/**
 * The words alerts, runbooks and dashboards use for a service's parts
 * (worker, supervisor, a burst of messages, ...), checked so they can go
 * into alert templates, YAML and Markdown as they are.
 */
import { alertPrefixOf } from '../model/alert-prefix';
import type { ServiceVocabularyModel } from '../model/types';
import { propErrors } from '../errors';
import { EXPECTED } from '../model/expected-values';
import { allKeys, checkKnownProps } from './known-props';
import { checkBoolean } from './prop-checks';

/**
 * How alerts, runbooks and dashboards name the parts of the service. Every
 * word has a service-neutral default; MailingListHost sets Mailman's.
 * Plain words only (letters, digits, spaces, `'`, `,`, `.`, `-`; at most 60
 * characters): they go into alert templates, YAML and Markdown as they are.
 */
export interface ServiceVocabularyProps {
  /**
   * The service as people call it, in alert summaries and dashboard titles.
   * @default - the alert prefix (metricPrefix in CamelCase, e.g. `Postfix`)
   */
  readonly displayName?: string;
  /**
   * One process of a worker group: `runner` (Mailman), `daemon` (Postfix).
   * @default 'worker'
   */
  readonly worker?: string;
  /**
   * Plural of `worker`.
   * @default - `worker` + 's'
   */
  readonly workers?: string;
  /**
   * The supervisor process (the group with role `master`).
   * @default 'master'
   */
  readonly supervisor?: string;
  /**
   * Whether the supervisor starts a worker again when it dies (Postfix's
   * master does, throttled; Mailman's master does not). Decides what the
   * worker alert and runbook say about a worker that stays down.
   * @default false
   */
  readonly supervisorRestartsWorkers?: boolean;
  /**
   * A legitimate burst that fills a queue and then drains, so a large queue
   * alone is no alarm: `a big posting` (Mailman), `a burst of mail`.
   * @default 'a burst of messages'
   */
  readonly burst?: string;
  /**
   * What a human does with failed messages once the cause is fixed:
   * `unshunt` (Mailman), `requeue`, `release`.
   * @default 'requeue'
   */
  readonly requeue?: string;
  /**
   * What the web front end depends on, named by the web alert: `the REST runner`.
   * @default - "the service's " + workers
   */
  readonly webBackend?: string;
}

/** The keys of ServiceVocabularyProps, checked by the compiler against it (known-props.ts). */
const VOCABULARY_PROP_KEYS = allKeys<ServiceVocabularyProps>()(['displayName', 'worker', 'workers', 'supervisor', 'supervisorRestartsWorkers', 'burst', 'requeue', 'webBackend']);

const VOCABULARY_WORDS = /^[A-Za-z][A-Za-z0-9 ',.-]{0,59}$/;

function checkWords(construct: string, prop: string, value: unknown): string {
  if (typeof value !== 'string' || !VOCABULARY_WORDS.test(value)) {
    throw propErrors.invalid(construct, prop, value, EXPECTED.words);
  }
  return value;
}

/** The vocabulary with defaults applied, checked; `at` is where it sits in the props. */
export function resolveVocabulary(construct: string, at: string, metricPrefix: string, props: ServiceVocabularyProps | undefined): ServiceVocabularyModel {
  if (props !== undefined && (props === null || typeof props !== 'object' || Array.isArray(props))) {
    throw propErrors.invalid(construct, at, props, 'an object of words ({ worker, supervisor, burst, ... })');
  }
  checkKnownProps(construct, at, props, VOCABULARY_PROP_KEYS, 'vocabulary');
  const v = props ?? {};
  const word = (key: keyof ServiceVocabularyProps, fallback: string) => checkWords(construct, `${at}.${key}`, v[key] ?? fallback);
  // A default made from another word is checked as that word's consequence, named after the prop the user set.
  const derived = (key: keyof ServiceVocabularyProps, fallback: string, from: keyof ServiceVocabularyProps) => {
    if (v[key] !== undefined || VOCABULARY_WORDS.test(fallback)) return word(key, fallback);
    throw propErrors.invalid(construct, `${at}.${from}`, v[from], `words short enough that ${at}.${key}, made from it as ${JSON.stringify(fallback)}, stays within 60 characters; or set ${at}.${key} too`);
  };
  const worker = word('worker', 'worker');
  const workers = derived('workers', `${worker}s`, 'worker');
  return {
    displayName: word('displayName', alertPrefixOf(metricPrefix)),
    worker,
    workers,
    supervisor: word('supervisor', 'master'),
    supervisorRestartsWorkers: checkBoolean(construct, `${at}.supervisorRestartsWorkers`, v.supervisorRestartsWorkers ?? false),
    burst: word('burst', 'a burst of messages'),
    requeue: word('requeue', 'requeue'),
    webBackend: derived('webBackend', `the service's ${workers}`, v.workers !== undefined ? 'workers' : 'worker'),
  };
}
