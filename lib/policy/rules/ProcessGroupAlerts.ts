/**
 * LH004: every process group (each runner, the master) has its own
 * liveness alert in rules.yml: the group's `namedprocess_namegroup_num_procs`,
 * per `groupname`, compared with what the host expects (its exported
 * expected-processes series, or a literal `< N`), paging when the group is
 * critical; and the host's process-exporter config defines the group.
 * 2023: a total of 14 of 15 runner processes looked healthy.
 */
import { queueMetricNames } from '../../render/queue-collector';
import { PROCESS_EXPORTER_CONFIG } from '../../render/process-exporter';
import { alertsReading, type PrometheusRule } from '../artifacts/prometheus-rules';
import { comparedWithNumber, keepsLabel } from '../artifacts/promql';
import { rootfsPath } from '../stack';
import { fromViolations, modelLocation, type RuleImplementation, type Violation } from '../types';
import { coverageLocation, JOB, matchingUses, prometheusFor, ruleLocation, violation } from './support';

export const NUM_PROCS = 'namedprocess_namegroup_num_procs';

type Verdict = { readonly ok: true } | { readonly ok: false; readonly why: string };

/** Whether an alert is a liveness check of the group, and if not, why. */
export function livenessVerdict(
  rule: PrometheusRule,
  procLabels: Readonly<Record<string, string>>,
  expectedMetric: string,
  expectedLabels: Readonly<Record<string, string>>,
  expectedProcesses: number,
): Verdict | undefined {
  const uses = matchingUses(rule, [NUM_PROCS], procLabels);
  if (uses.length === 0) return undefined;
  const perGroup = uses.filter((use) => keepsLabel(use, 'groupname'));
  if (perGroup.length === 0) return { ok: false, why: `alert ${rule.name} aggregates groupname away (a total count hides one dead group)` };
  if (matchingUses(rule, [expectedMetric], expectedLabels).length > 0) return { ok: true };
  for (const use of perGroup) {
    const compared = comparedWithNumber(use);
    if (compared && ((compared.op === '<' && compared.value === expectedProcesses) || (compared.op === '<=' && compared.value === expectedProcesses - 1))) {
      return { ok: true };
    }
  }
  return { ok: false, why: `alert ${rule.name} compares the group with neither ${expectedMetric} nor "< ${expectedProcesses}"` };
}

export const ProcessGroupAlerts: RuleImplementation = {
  checkHost(host, ctx) {
    const access = prometheusFor(host, ctx, 'its process groups');
    if (!access.ok) return access.result;
    const file = access.value;
    const { model } = host;
    const expectedMetric = queueMetricNames(model.service.metricPrefix).expectedProcesses;
    const candidates = alertsReading(file, [NUM_PROCS]);
    const violations: Violation[] = [];

    const exporterPath = rootfsPath(model.fqdn, PROCESS_EXPORTER_CONFIG);
    const exporter = access.stack.index.parsedYaml(exporterPath) as { process_names?: { name?: unknown; cmdline?: unknown }[] } | undefined;
    const exporterGroups = new Map<string, { index: number; cmdlines: string[] }>();
    (Array.isArray(exporter?.process_names) ? exporter!.process_names : []).forEach((entry, index) => {
      if (typeof entry?.name === 'string' && !exporterGroups.has(entry.name)) {
        exporterGroups.set(entry.name, { index, cmdlines: Array.isArray(entry.cmdline) ? entry.cmdline.map(String) : [] });
      }
    });

    model.service.processGroups.forEach((group, i) => {
      const related = [modelLocation(host, `/service/processGroups/${i}`)];
      const procLabels = { job: JOB.process, instance: model.fqdn, groupname: group.groupname };
      const expectedLabels = { job: JOB.node, instance: model.fqdn, groupname: group.groupname };
      const live: PrometheusRule[] = [];
      const reasons: string[] = [];
      for (const rule of candidates) {
        const verdict = livenessVerdict(rule, procLabels, expectedMetric, expectedLabels, group.expectedProcesses);
        if (!verdict) continue;
        if (verdict.ok) live.push(rule);
        else reasons.push(verdict.why);
      }
      if (live.length === 0) {
        violations.push(
          violation(
            `group:${group.groupname}`,
            `${model.fqdn}: no alert in ${file.file} checks that process group ${group.groupname} (${group.role}) runs its ${group.expectedProcesses} process(es)` +
              (reasons.length > 0 ? `: ${reasons[0]}` : `; none selects ${NUM_PROCS}{job="process",groupname="${group.groupname}"}`),
            coverageLocation(file, candidates),
            related,
          ),
        );
      } else if (group.severity === 'critical' && !live.some((rule) => rule.labels.severity === 'critical')) {
        violations.push(
          violation(
            `group:${group.groupname}:severity`,
            `${model.fqdn}: the alerts checking ${group.groupname} (${live.map((r) => r.name).join(', ')}) do not page (severity ${live[0].labels.severity ?? 'unset'}), but the group is critical: a dead runner stays dead`,
            ruleLocation(live[0], file),
            related,
          ),
        );
      }
      if (exporter === undefined) return;
      const defined = exporterGroups.get(group.groupname);
      if (!defined) {
        violations.push(
          violation(
            `exporter:${group.groupname}`,
            `${model.fqdn}: ${PROCESS_EXPORTER_CONFIG} defines no process group ${group.groupname}, so its process count is never exported`,
            { file: access.stack.artifacts.display(exporterPath), pointer: '/process_names' },
            related,
          ),
        );
      } else if (!defined.cmdlines.includes(group.cmdlineRegex)) {
        violations.push(
          violation(
            `exporter:${group.groupname}:cmdline`,
            `${model.fqdn}: ${PROCESS_EXPORTER_CONFIG} matches group ${group.groupname} with ${JSON.stringify(defined.cmdlines)}, not the model's ${JSON.stringify(group.cmdlineRegex)}`,
            { file: access.stack.artifacts.display(exporterPath), pointer: `/process_names/${defined.index}/cmdline` },
            related,
          ),
        );
      }
    });
    if (exporter === undefined) {
      violations.push(
        violation(
          'exporter-missing',
          `${model.fqdn}: ${PROCESS_EXPORTER_CONFIG} is not in the host's rootfs, so no process group is exported`,
          { file: access.stack.artifacts.display(exporterPath) },
        ),
      );
    }
    return fromViolations(violations);
  },
};
