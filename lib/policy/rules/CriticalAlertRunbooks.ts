/**
 * LH013: every critical alert links to a runbook page, and the page was
 * written (monitoring/runbooks/<last path segment of runbook_url>).
 * 2023: the alert fired, nobody acted, and no runbook guided the response.
 */
import { ARTIFACT_PATHS } from '../stack';
import { fromViolations, notApplicable, type RuleImplementation, type Violation } from '../types';
import { ruleLocation, violation } from './support';

/** The runbook file a runbook_url names (its last path segment), or undefined for a URL without one. */
export function runbookFileName(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  const segment = parsed.pathname.split('/').pop() ?? '';
  try {
    return segment === '' ? undefined : decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

export const CriticalAlertRunbooks: RuleImplementation = {
  checkStack(stack, ctx) {
    if (!ctx.config.monitoring.prometheus) return notApplicable('Prometheus is not required by the policy config');
    if (stack.hosts.length === 0) return notApplicable('the stack declares no hosts');
    const file = stack.index.prometheus();
    if (!file) {
      const path = stack.artifacts.display(ARTIFACT_PATHS.prometheusRules);
      return fromViolations([violation('rules-file-missing', `${path} was not written, so no alert (and no runbook) exists`, { file: path })]);
    }
    const violations: Violation[] = [];
    const seen = new Set<string>();
    for (const alert of file.alerts) {
      if (alert.labels.severity !== 'critical') continue;
      const url = alert.annotations.runbook_url;
      const id = `${alert.name}\u0000${url ?? ''}`;
      if (seen.has(id)) continue;
      seen.add(id);
      if (url === undefined || url.trim() === '') {
        violations.push(violation(`alert:${alert.name}`, `critical alert ${alert.name} has no runbook_url annotation: whoever is paged has no page to start from`, ruleLocation(alert, file)));
        continue;
      }
      const name = runbookFileName(url);
      if (!name) {
        violations.push(violation(`alert:${alert.name}`, `critical alert ${alert.name} has runbook_url ${JSON.stringify(url)}, which is not an http(s) URL of a page`, ruleLocation(alert, file)));
        continue;
      }
      const path = `${ARTIFACT_PATHS.runbooksDirectory}${name}`;
      const text = stack.artifacts.get(path);
      if (text === undefined || text.trim() === '') {
        violations.push(
          violation(
            `alert:${alert.name}`,
            `critical alert ${alert.name} links to ${url}, but ${stack.artifacts.display(path)} ${text === undefined ? 'was not written' : 'is empty'}`,
            ruleLocation(alert, file),
          ),
        );
      }
    }
    return fromViolations(violations);
  },
};
