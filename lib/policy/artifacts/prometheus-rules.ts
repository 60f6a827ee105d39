/**
 * A Prometheus rule file as written, parsed once: every rule with its line,
 * its labels and annotations, and its expression parsed into selectors the
 * policy rules query.
 */
import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { LintInputError } from '../errors';
import { parsePromQL, selectorUses, type PromNode, type SelectorUse } from './promql';

export interface PrometheusRule {
  readonly kind: 'alert' | 'record';
  /** Alert name or recorded series name. */
  readonly name: string;
  readonly group: string;
  readonly expr: string;
  /** null when the expression does not parse (see parseError). */
  readonly ast: PromNode | null;
  readonly parseError?: string;
  readonly uses: readonly SelectorUse[];
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly for?: string;
  /** 1-based line of the rule's `alert:`/`record:` entry. */
  readonly line: number;
  readonly pointer: string;
}

export interface PrometheusRuleFile {
  /** Path as shown to the user. */
  readonly file: string;
  readonly rules: readonly PrometheusRule[];
  readonly alerts: readonly PrometheusRule[];
  /** Alerting rules grouped by the series names they select (one index for every rule and host). */
  readonly alertsBySeries: ReadonlyMap<string, readonly PrometheusRule[]>;
}

function stringMap(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v !== null && v !== undefined) out[k] = String(v);
  }
  return out;
}

/** Parses rules.yml text; throws LintInputError naming the file for malformed YAML or a non-rule-file shape. */
export function parsePrometheusRules(text: string, file: string): PrometheusRuleFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    const line = lineCounter.linePos(error.pos[0]).line;
    throw new LintInputError(file, `malformed YAML at line ${line}: ${error.message}`);
  }
  const root = doc.contents;
  const groupsNode = isMap(root) ? root.get('groups', true) : undefined;
  if (!isSeq(groupsNode)) {
    throw new LintInputError(file, 'not a Prometheus rule file: expected a map with a `groups` list', '/groups');
  }
  const lineOf = (node: unknown, fallback: number): number => {
    const range = (node as YamlNode | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : fallback;
  };
  const rules: PrometheusRule[] = [];
  groupsNode.items.forEach((groupNode, g) => {
    if (!isMap(groupNode)) throw new LintInputError(file, 'each group must be a map with `name` and `rules`', `/groups/${g}`);
    const groupName = String(groupNode.get('name') ?? '');
    const rulesNode = groupNode.get('rules', true);
    if (rulesNode === undefined || rulesNode === null) return;
    if (!isSeq(rulesNode)) throw new LintInputError(file, '`rules` must be a list', `/groups/${g}/rules`);
    rulesNode.items.forEach((ruleNode, r) => {
      const pointer = `/groups/${g}/rules/${r}`;
      if (!isMap(ruleNode)) throw new LintInputError(file, 'each rule must be a map', pointer);
      const rule = ruleNode.toJSON() as Record<string, unknown>;
      const alert = rule.alert;
      const record = rule.record;
      if (typeof alert !== 'string' && typeof record !== 'string') {
        throw new LintInputError(file, 'a rule needs `alert` or `record`', pointer);
      }
      const expr = rule.expr === undefined || rule.expr === null ? '' : String(rule.expr);
      let ast: PromNode | null = null;
      let parseError: string | undefined;
      try {
        ast = parsePromQL(expr);
      } catch (error) {
        parseError = (error as Error).message;
      }
      rules.push({
        kind: typeof alert === 'string' ? 'alert' : 'record',
        name: typeof alert === 'string' ? alert : (record as string),
        group: groupName,
        expr,
        ast,
        parseError,
        uses: ast ? selectorUses(ast) : [],
        labels: stringMap(rule.labels),
        annotations: stringMap(rule.annotations),
        for: typeof rule.for === 'string' ? rule.for : undefined,
        line: lineOf(ruleNode, 1),
        pointer,
      });
    });
  });
  const alerts = rules.filter((rule) => rule.kind === 'alert');
  const alertsBySeries = new Map<string, PrometheusRule[]>();
  for (const alert of alerts) {
    const names = new Set(alert.uses.map((use) => use.selector.name ?? ''));
    for (const name of names) {
      const list = alertsBySeries.get(name) ?? [];
      list.push(alert);
      alertsBySeries.set(name, list);
    }
  }
  return { file, rules, alerts, alertsBySeries };
}

/** Alerting rules reading any of these series (selectors without a metric name included). */
export function alertsReading(ruleFile: PrometheusRuleFile, series: readonly string[]): PrometheusRule[] {
  const out = new Set<PrometheusRule>();
  for (const name of [...series, '']) for (const rule of ruleFile.alertsBySeries.get(name) ?? []) out.add(rule);
  return [...out];
}
