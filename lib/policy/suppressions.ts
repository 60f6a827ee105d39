/**
 * Suppressions: a finding a repo accepts for a while. Each names the rule,
 * the host (or a glob), a reason of at least 10 characters and the last day
 * it applies. An expired suppression stops applying and is itself an error
 * (LH100); one that matches nothing is a warning (LH101). Suppressed
 * findings are listed in every report format.
 */
import type { ValidateFunction } from 'ajv';
import generatedSuppressionsValidator from './suppressions-validator.generated';
import { parseDataFile } from './data-file';
import { LintInputError } from './errors';
import { globMatches } from './glob';
import { isRuleId, META_RULE_IDS, RULES } from './registry';
import type { Location } from './types';

export interface Suppression {
  readonly rule: string;
  readonly host: string;
  readonly reason: string;
  /** YYYY-MM-DD, inclusive. */
  readonly expires: string;
  readonly location: Location;
}

export interface SuppressionSet {
  readonly file: string;
  readonly entries: readonly Suppression[];
}

/** Compiled ahead of time from the schema (scripts/generate-validators.ts). */
const validator = generatedSuppressionsValidator as ValidateFunction;

function isRealDate(text: string): boolean {
  const [y, m, d] = text.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Validates a parsed suppressions document; throws LintInputError with the JSON pointer. */
export function resolveSuppressions(value: unknown, display: string): SuppressionSet {
  if (!validator(value)) {
    const error = validator.errors![0];
    let detail = error.message ?? 'is invalid';
    if (error.keyword === 'additionalProperties') detail = `unknown property '${(error.params as { additionalProperty: string }).additionalProperty}'`;
    if (error.keyword === 'required') detail = `missing property '${(error.params as { missingProperty: string }).missingProperty}'`;
    if (error.keyword === 'minLength' && error.instancePath.endsWith('/reason')) detail = 'reason must be at least 10 characters: say why this is accepted';
    if (error.keyword === 'pattern' && error.instancePath.endsWith('/expires')) detail = 'expires must be a date YYYY-MM-DD';
    if (error.keyword === 'pattern' && error.instancePath.endsWith('/rule')) detail = 'rule must be a rule ID like LH011';
    throw new LintInputError(display, detail, error.instancePath || '/');
  }
  const entries = (value as { suppressions: Omit<Suppression, 'location'>[] }).suppressions.map((entry, i) => {
    const pointer = `/suppressions/${i}`;
    if (!isRuleId(entry.rule)) {
      throw new LintInputError(display, `unknown rule ID '${entry.rule}' (known: ${RULES.map((r) => r.id).join(', ')})`, `${pointer}/rule`);
    }
    if (META_RULE_IDS.includes(entry.rule)) {
      throw new LintInputError(display, `rule ${entry.rule} is about suppressions themselves and cannot be suppressed`, `${pointer}/rule`);
    }
    if (!isRealDate(entry.expires)) throw new LintInputError(display, `expires '${entry.expires}' is not a calendar date`, `${pointer}/expires`);
    return { rule: entry.rule, host: entry.host, reason: entry.reason, expires: entry.expires, location: { file: display, pointer } };
  });
  return { file: display, entries };
}

export function loadSuppressions(path: string, display: string): SuppressionSet {
  return resolveSuppressions(parseDataFile(path, display).value, display);
}

/** Whether the suppression has expired on `today` (YYYY-MM-DD, UTC). */
export function isExpired(suppression: Suppression, today: string): boolean {
  return suppression.expires < today;
}

/** Whether a suppression covers a finding of `rule` about `target` (a host FQDN, or `stack:<name>`). */
export function suppresses(suppression: Suppression, rule: string, target: string): boolean {
  return suppression.rule === rule && globMatches(suppression.host, target);
}

/** Today as YYYY-MM-DD in UTC. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}
