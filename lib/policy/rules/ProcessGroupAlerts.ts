/**
 * LH004: every process group (each runner, the master) has its own
 * liveness alert in rules.yml: the group's live count per `groupname`,
 * compared with what the host expects (its exported expected-processes
 * series, or a literal `< N`), paging when the group is critical. The live
 * count is `namedprocess_namegroup_num_procs` (job process) for a group
 * process-exporter counts, which the host's process-exporter config must
 * define; or `<prefix>_process_group_live_processes` (job node) for a group
 * the host's collector counts (ProcessGroupModel.countedBy), which the
 * collector script must count with the group's pgrep pattern, the
 * process-exporter config must not define (it names a process once: a worker
 * seen before its exec would stay in the supervisor's group) and
 * process-exporter must run with `-recheck` (so that worker joins its own
 * group after the exec).
 * 2023: a total of 14 of 15 runner processes looked healthy.
 */
import { countGroupCall, queueCollectorPath, queueMetricNames } from '../../render/queue-collector';
import { PROCESS_EXPORTER_CONFIG, PROCESS_EXPORTER_DEFAULTS } from '../../render/process-exporter';
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
  liveMetric: string = NUM_PROCS,
): Verdict | undefined {
  const uses = matchingUses(rule, [liveMetric], procLabels);
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
    const names = queueMetricNames(model.service.metricPrefix);
    const expectedMetric = names.expectedProcesses;
    const candidatesFor = { 'process-exporter': alertsReading(file, [NUM_PROCS]), collector: alertsReading(file, [names.liveProcesses]) };
    const violations: Violation[] = [];
    const byCollector = model.service.processGroups.some((group) => group.countedBy === 'collector');

    // The collector script, for the groups it counts.
    const collectorPath = queueCollectorPath(model);
    const collectorFile = access.stack.artifacts.display(rootfsPath(model.fqdn, collectorPath));
    const collector = byCollector ? access.stack.index.rootfs(model.fqdn, collectorPath) : undefined;
    const collectorLines = new Set((collector ?? '').split('\n'));
    const collectorLine = (needle: string) => {
      const index = (collector ?? '').indexOf(needle);
      return index < 0 ? 1 : collector!.slice(0, index).split('\n').length;
    };

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
      const counted = group.countedBy === 'collector';
      const liveMetric = counted ? names.liveProcesses : NUM_PROCS;
      const procLabels = { job: counted ? JOB.node : JOB.process, instance: model.fqdn, groupname: group.groupname };
      const expectedLabels = { job: JOB.node, instance: model.fqdn, groupname: group.groupname };
      const candidates = candidatesFor[group.countedBy];
      const live: PrometheusRule[] = [];
      const reasons: string[] = [];
      for (const rule of candidates) {
        const verdict = livenessVerdict(rule, procLabels, expectedMetric, expectedLabels, group.expectedProcesses, liveMetric);
        if (!verdict) continue;
        if (verdict.ok) live.push(rule);
        else reasons.push(verdict.why);
      }
      if (live.length === 0) {
        violations.push(
          violation(
            `group:${group.groupname}`,
            `${model.fqdn}: no alert in ${file.file} checks that process group ${group.groupname} (${group.role}) runs its ${group.expectedProcesses} process(es)` +
              (reasons.length > 0 ? `: ${reasons[0]}` : `; none selects ${liveMetric}{job="${procLabels.job}",groupname="${group.groupname}"}`),
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
      if (counted && collector !== undefined && !(collectorLines.has(countGroupCall(group)) && collector.includes(names.liveProcesses))) {
        violations.push(
          violation(
            `collector:${group.groupname}`,
            `${model.fqdn}: the collector ${collectorPath} does not count group ${group.groupname} (\`${countGroupCall(group)}\` exporting ${names.liveProcesses}), ` +
              'but the model has the collector count it: its liveness alert has nothing to read',
            { file: collectorFile, line: collectorLine(`count_group '${group.groupname}'`) },
            related,
          ),
        );
      }
      if (exporter === undefined) return;
      const defined = exporterGroups.get(group.groupname);
      if (counted) {
        if (defined) {
          violations.push(
            violation(
              `exporter:${group.groupname}:collector`,
              `${model.fqdn}: ${PROCESS_EXPORTER_CONFIG} defines group ${group.groupname}, which the model has the collector count: ` +
                'process-exporter names a process once, so a worker it first sees before its exec (still with this command line) would count in this group for good',
              { file: access.stack.artifacts.display(exporterPath), pointer: `/process_names/${defined.index}` },
              related,
            ),
          );
        }
        return;
      }
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
    if (byCollector && collector === undefined) {
      violations.push(
        violation(
          'collector-missing',
          `${model.fqdn}: the collector ${collectorPath} is not in the host's rootfs, so the groups it should count have no live count`,
          { file: collectorFile },
        ),
      );
    }
    const defaultsPath = rootfsPath(model.fqdn, PROCESS_EXPORTER_DEFAULTS);
    const defaults = byCollector ? access.stack.index.rootfs(model.fqdn, PROCESS_EXPORTER_DEFAULTS) : undefined;
    if (defaults !== undefined && !/^\s*ARGS="[^"]*(?<=["\s])--?recheck(=true)?(?=["\s])/m.test(defaults)) {
      violations.push(
        violation(
          'exporter:recheck',
          `${model.fqdn}: ${PROCESS_EXPORTER_DEFAULTS} does not run process-exporter with -recheck: a worker it first sees before its exec matches no group ` +
            '(its supervisor is counted by the collector) and, without -recheck, is never matched again',
          { file: access.stack.artifacts.display(defaultsPath), line: Math.max(1, defaults.split('\n').findIndex((l) => /^\s*ARGS=/.test(l)) + 1) },
        ),
      );
    }
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
