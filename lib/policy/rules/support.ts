/**
 * What several rules share: getting at a host's Prometheus rules and Icinga
 * configuration (or saying why the rule does not apply, or that the file is
 * missing), and the labels the contract puts on a host's series.
 */
import type { IcingaConfig, IcingaObject } from '../artifacts/icinga2';
import type { PrometheusRule, PrometheusRuleFile } from '../artifacts/prometheus-rules';
import { selectorMatches, type SelectorUse } from '../artifacts/promql';
import { ARTIFACT_PATHS } from '../stack';
import { notApplicable, type HostUnderLint, type LintContext, type Location, type RuleResult, type StackUnderLint, type Violation } from '../types';

/** Scrape jobs of CONTRACT.md section 3. */
export const JOB = { node: 'node', process: 'process', blackbox: 'blackbox' } as const;

export type Access<T> = { readonly ok: true; readonly value: T; readonly stack: StackUnderLint } | { readonly ok: false; readonly result: RuleResult };

function missing(key: string, message: string, file: string): RuleResult {
  return { status: 'non-compliant', violations: [{ key, message, location: { file } }] };
}

/** The host's rules.yml, or the result to return (not applicable, or missing). */
export function prometheusFor(host: HostUnderLint, ctx: LintContext, concern: string): Access<PrometheusRuleFile> {
  if (!ctx.config.monitoring.prometheus) return { ok: false, result: notApplicable('Prometheus is not required by the policy config') };
  if (!host.stack) return { ok: false, result: notApplicable('a host spec has no artifacts; lint the synthesized cdktf.out to check rules.yml') };
  const file = host.stack.index.prometheus();
  if (!file) {
    const path = host.stack.artifacts.display(ARTIFACT_PATHS.prometheusRules);
    return { ok: false, result: missing('rules-file-missing', `${path} was not written, so nothing alerts on ${concern} of ${host.model.fqdn}`, path) };
  }
  return { ok: true, value: file, stack: host.stack };
}

/** The Icinga configuration and the host's Host object, or the result to return. */
export function icingaFor(host: HostUnderLint, ctx: LintContext, concern: string): Access<{ config: IcingaConfig; host: IcingaObject }> {
  if (!ctx.config.monitoring.icinga2) return { ok: false, result: notApplicable('Icinga 2 is not required by the policy config') };
  if (!host.stack) return { ok: false, result: notApplicable('a host spec has no artifacts; lint the synthesized cdktf.out to check the Icinga configuration') };
  const config = host.stack.index.icinga();
  const dir = host.stack.artifacts.display(ARTIFACT_PATHS.icinga2Directory);
  if (!config) {
    return { ok: false, result: missing('icinga-missing', `no Icinga 2 configuration was written (${dir}*.conf), so Icinga checks no ${concern} of ${host.model.fqdn}`, dir) };
  }
  const object = config.hosts.get(host.model.fqdn);
  if (!object) {
    return {
      ok: false,
      result: missing('icinga-host-missing', `${dir}*.conf has no \`object Host "${host.model.fqdn}"\`, so Icinga checks no ${concern} of it`, config.files[0] ?? dir),
    };
  }
  return { ok: true, value: { config, host: object }, stack: host.stack };
}

export function ruleLocation(rule: PrometheusRule, file: PrometheusRuleFile): Location {
  return { file: file.file, line: rule.line };
}

/** Where to point for something missing from rules.yml: the first rule reading one of these series, or the file. */
export function coverageLocation(file: PrometheusRuleFile, candidates: readonly PrometheusRule[]): Location {
  return candidates.length > 0 ? ruleLocation(candidates[0], file) : { file: file.file, line: 1 };
}

/** The uses of a rule's selectors that would select the series `metric` with `labels`. */
export function matchingUses(rule: PrometheusRule, metrics: readonly string[], labels: Readonly<Record<string, string>>): SelectorUse[] {
  return rule.uses.filter((use) => metrics.some((metric) => selectorMatches(use.selector, metric, labels)));
}

export function violation(key: string, message: string, location: Location, related?: readonly Location[]): Violation {
  return related && related.length > 0 ? { key, message, location, related } : { key, message, location };
}

/** `a, b and c`. */
export function listing(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
