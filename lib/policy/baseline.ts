/**
 * Baselines: the findings a repo had when it adopted the lint. A finding
 * in the baseline is reported as "baselined" and does not fail the run;
 * anything new does. Findings are identified by rule, target and a stable
 * key (never by message or line, which move).
 */
import { parseDataFile } from './data-file';
import { LintInputError } from './errors';
import { isRuleId, ruleMeta } from './registry';

export interface BaselineEntry {
  readonly rule: string;
  /** Host FQDN, `stack:<name>`, or an input file. */
  readonly target: string;
  readonly key: string;
  /** For people reading the file; not compared. */
  readonly message?: string;
}

export interface Baseline {
  readonly file: string;
  readonly entries: readonly BaselineEntry[];
  readonly fingerprints: ReadonlySet<string>;
}

export const BASELINE_VERSION = 1;

export function fingerprint(rule: string, target: string, key: string): string {
  return `${rule}\u0000${target}\u0000${key}`;
}

export function resolveBaseline(value: unknown, display: string): Baseline {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new LintInputError(display, 'expected a baseline object { "version": 1, "findings": [...] }', '/');
  }
  const doc = value as Record<string, unknown>;
  for (const key of Object.keys(doc)) {
    if (!['version', 'tool', 'findings'].includes(key)) throw new LintInputError(display, `unknown property '${key}'`, '/');
  }
  if (doc.version !== BASELINE_VERSION) throw new LintInputError(display, `version must be ${BASELINE_VERSION}`, '/version');
  if (!Array.isArray(doc.findings)) throw new LintInputError(display, 'findings must be a list', '/findings');
  const entries = doc.findings.map((entry: unknown, i: number): BaselineEntry => {
    const pointer = `/findings/${i}`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw new LintInputError(display, 'each finding must be an object', pointer);
    const e = entry as Record<string, unknown>;
    for (const field of ['rule', 'target', 'key'] as const) {
      if (typeof e[field] !== 'string' || e[field] === '') throw new LintInputError(display, `missing or empty '${field}'`, `${pointer}/${field}`);
    }
    const rule = e.rule as string;
    if (!isRuleId(rule)) throw new LintInputError(display, `unknown rule ID '${rule}'`, `${pointer}/rule`);
    if (!ruleMeta(rule)!.baselinable) throw new LintInputError(display, `findings of ${rule} cannot be baselined; fix them or suppress them with a reason and an expiry date`, `${pointer}/rule`);
    return { rule, target: e.target as string, key: e.key as string, message: typeof e.message === 'string' ? e.message : undefined };
  });
  return { file: display, entries, fingerprints: new Set(entries.map((e) => fingerprint(e.rule, e.target, e.key))) };
}

export function loadBaseline(path: string, display: string): Baseline {
  return resolveBaseline(parseDataFile(path, display).value, display);
}

/** A baseline file's text for these entries (sorted, so it diffs well). */
export function renderBaseline(entries: readonly BaselineEntry[], toolVersion: string): string {
  const sorted = [...entries].sort((a, b) => fingerprint(a.rule, a.target, a.key).localeCompare(fingerprint(b.rule, b.target, b.key)));
  return `${JSON.stringify({ version: BASELINE_VERSION, tool: `listhost ${toolVersion}`, findings: sorted }, null, 2)}\n`;
}
