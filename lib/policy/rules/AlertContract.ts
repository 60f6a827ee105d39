/**
 * LH017: every alert follows CONTRACT.md section 4: CamelCase name,
 * severity critical/warning/info, summary, description and runbook_url,
 * an expression the linter parses, and the host's instance label kept.
 */
import { keepsLabel } from '../artifacts/promql';
import { fromViolations, notApplicable, type RuleImplementation, type Violation } from '../types';
import { ruleLocation, violation } from './support';

const SEVERITIES = new Set(['critical', 'warning', 'info']);
const ANNOTATIONS = ['summary', 'description', 'runbook_url'];

export const AlertContract: RuleImplementation = {
  checkStack(stack, ctx) {
    if (!ctx.config.monitoring.prometheus) return notApplicable('Prometheus is not required by the policy config');
    const file = stack.index.prometheus();
    if (!file) return notApplicable('no rules.yml was written (LH001 and others report it)');
    const violations: Violation[] = [];
    for (const alert of file.alerts) {
      const problems: string[] = [];
      if (!/^[A-Z][A-Za-z0-9]*$/.test(alert.name)) problems.push('its name is not CamelCase');
      const severity = alert.labels.severity;
      if (!severity || !SEVERITIES.has(severity)) problems.push(`severity is ${JSON.stringify(severity ?? null)}, not critical, warning or info`);
      const missing = ANNOTATIONS.filter((a) => !alert.annotations[a] || alert.annotations[a].trim() === '');
      if (missing.length > 0) problems.push(`annotation(s) ${missing.join(', ')} missing`);
      if (alert.parseError) problems.push(`its expression does not parse (${alert.parseError}), so no other rule can count it`);
      else if (alert.uses.length > 0 && !alert.uses.some((use) => keepsLabel(use, 'instance'))) problems.push('every series it reads is aggregated without instance, so the alert names no host');
      if (problems.length > 0) {
        violations.push(violation(`alert:${alert.name}:${alert.pointer}`, `alert ${alert.name}: ${problems.join('; ')}`, ruleLocation(alert, file)));
      }
    }
    return fromViolations(violations);
  },
};
