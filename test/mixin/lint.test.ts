/**
 * The equivalent of `mixtool lint` plus the alert contract (CONTRACT.md
 * section 4): CamelCase names, a known severity, summary/description/
 * runbook_url, runbook_url = base + <alertname>.md, and no aggregation that
 * drops the instance label.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateMixin } from '../../lib/monitoring/evaluate-mixin';
import { RUNBOOK_BASE, exampleConfig, rulesOf, type Rule } from './helpers';

const SEVERITIES = new Set(['critical', 'warning', 'info']);

/** Findings for one alerting rule; [] when it follows the contract. */
function lintAlert(rule: Rule, runbookBase: string): string[] {
  const name = rule.alert ?? '';
  const findings: string[] = [];
  if (!/^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)*$/.test(name)) findings.push(`${name}: name is not CamelCase`);
  const severity = rule.labels?.severity;
  if (severity === undefined || !SEVERITIES.has(severity)) findings.push(`${name}: severity ${severity} not in critical|warning|info`);
  for (const key of ['summary', 'description', 'runbook_url']) {
    const value = rule.annotations?.[key];
    if (typeof value !== 'string' || value.trim() === '') findings.push(`${name}: annotation ${key} missing`);
  }
  if (rule.annotations?.runbook_url !== runbookBase + name + '.md') {
    findings.push(`${name}: runbook_url ${rule.annotations?.runbook_url} is not ${runbookBase}${name}.md`);
  }
  // Every `by (...)` / `without (...)` must keep instance (the contract: every alert carries it).
  for (const m of rule.expr.matchAll(/\b(by|without)\s*\(([^)]*)\)/g)) {
    const labels = m[2].split(',').map((l) => l.trim());
    if (m[1] === 'by' && !labels.includes('instance')) findings.push(`${name}: "${m[0]}" drops instance`);
    if (m[1] === 'without' && labels.includes('instance')) findings.push(`${name}: "${m[0]}" drops instance`);
  }
  return findings;
}

test('every generated alert passes the lint', async () => {
  const rules = rulesOf((await evaluateMixin(exampleConfig())).rulesYaml);
  const alerts = rules.filter((r) => r.alert !== undefined);
  assert.ok(alerts.length >= 15, `only ${alerts.length} alerts`);
  assert.deepEqual(alerts.flatMap((r) => lintAlert(r, RUNBOOK_BASE)), []);
});

test('recording rules are named level:metric:operation and are not alerts', async () => {
  const rules = rulesOf((await evaluateMixin(exampleConfig())).rulesYaml);
  for (const r of rules.filter((x) => x.record !== undefined)) {
    assert.match(r.record!, /^[a-z_]+:[a-z_]+:[a-z_0-9]+$/);
    assert.equal(r.labels, undefined);
    assert.equal(r.alert, undefined);
  }
});

test('the lint catches what it is for', () => {
  const good: Rule = {
    alert: 'MailmanRunnerDown',
    expr: 'sum by (instance, groupname) (x) < 1',
    labels: { severity: 'critical' },
    annotations: { summary: 's', description: 'd', runbook_url: `${RUNBOOK_BASE}MailmanRunnerDown.md` },
  };
  assert.deepEqual(lintAlert(good, RUNBOOK_BASE), []);
  const cases: [Rule, RegExp][] = [
    [{ ...good, alert: 'mailman_runner_down', annotations: { ...good.annotations, runbook_url: `${RUNBOOK_BASE}mailman_runner_down.md` } }, /not CamelCase/],
    [{ ...good, labels: { severity: 'page' } }, /severity page/],
    [{ ...good, labels: {} }, /severity undefined/],
    [{ ...good, annotations: { summary: 's', runbook_url: good.annotations!.runbook_url } }, /description missing/],
    [{ ...good, annotations: { ...good.annotations, runbook_url: `${RUNBOOK_BASE}Other.md` } }, /runbook_url .* is not/],
    [{ ...good, expr: 'sum by (groupname) (x) < 1' }, /drops instance/],
    [{ ...good, expr: 'sum without (instance) (x) < 1' }, /drops instance/],
  ];
  for (const [rule, finding] of cases) {
    const findings = lintAlert(rule, RUNBOOK_BASE);
    assert.ok(findings.some((f) => finding.test(f)), `${JSON.stringify(rule)} -> ${JSON.stringify(findings)}`);
  }
});

test('runbook_url follows runbookBaseUrl', async () => {
  const base = 'https://wiki.example.net/runbooks/lists/';
  const config = { ...exampleConfig(), runbookBaseUrl: base };
  const alerts = rulesOf((await evaluateMixin(config)).rulesYaml).filter((r) => r.alert);
  for (const a of alerts) assert.equal(a.annotations?.runbook_url, `${base}${a.alert}.md`);
});
