/**
 * LH005: the expected process counts are right for the Mailman release,
 * the runner instances and the REST workers, the Mailman master is counted
 * by the collector (not process-exporter: a runner first seen between the
 * master's fork and its exec would count as the master for good), and the
 * host's collector exports exactly them (the alerts compare against that
 * series).
 */
import { mailmanRelease, SUPPORTED_MAILMAN_SERIES } from '../../model/mailman-catalogue';
import { queueCollectorPath, queueMetricNames } from '../../render/queue-collector';
import { rootfsPath } from '../stack';
import { fromViolations, modelLocation, type HostUnderLint, type RuleImplementation, type Violation } from '../types';
import { violation } from './support';

const RUNNER_PREFIX = 'mailman-runner-';

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
}

/** REST: instances x (1 + workers), instances a power of 2, workers >= 1. */
function isRestCount(n: number): boolean {
  for (let instances = 1; instances <= n / 2; instances *= 2) {
    if (n % instances === 0 && n / instances >= 2) return true;
  }
  return false;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function checkMailmanModel(host: HostUnderLint): Violation[] {
  const { service } = host.model;
  const out: Violation[] = [];
  const release = mailmanRelease(service.version);
  if (!release) {
    return [
      violation(
        'version',
        `${host.model.fqdn}: Mailman ${service.version} is not a supported series (${SUPPORTED_MAILMAN_SERIES.join(', ')}); the expected runners cannot be checked`,
        modelLocation(host, '/service/version'),
      ),
    ];
  }
  const groups = new Map(service.processGroups.map((g, i) => [g.groupname, { group: g, index: i }]));
  for (const runner of release.runners) {
    if (!groups.has(`${RUNNER_PREFIX}${runner}`)) {
      out.push(
        violation(
          `runner:${runner}:missing`,
          `${host.model.fqdn}: Mailman ${service.version} starts the ${runner} runner, but no process group ${RUNNER_PREFIX}${runner} watches it`,
          modelLocation(host, '/service/processGroups'),
        ),
      );
    }
  }
  const master = service.processGroups.findIndex((g) => g.role === 'master' || g.groupname === 'mailman-master');
  if (master < 0) {
    out.push(violation('master:missing', `${host.model.fqdn}: no process group watches the Mailman master`, modelLocation(host, '/service/processGroups')));
  } else if (service.processGroups[master].expectedProcesses !== 1) {
    out.push(
      violation(
        'master:count',
        `${host.model.fqdn}: the Mailman master runs 1 process, the model expects ${service.processGroups[master].expectedProcesses}`,
        modelLocation(host, `/service/processGroups/${master}/expectedProcesses`),
      ),
    );
  }
  if (master >= 0 && service.processGroups[master].countedBy !== 'collector') {
    out.push(
      violation(
        'master:counted-by',
        `${host.model.fqdn}: the Mailman master is counted by ${service.processGroups[master].countedBy}, which assigns a process to a group once: ` +
          "a runner it first sees between the master's fork and the runner's exec (still the master's command line) counts as the master for good " +
          '(a false RunnerDown, a master count of 2); count it with the collector (countedBy "collector")',
        modelLocation(host, `/service/processGroups/${master}/countedBy`),
      ),
    );
  }
  for (const { group, index } of groups.values()) {
    if (!group.groupname.startsWith(RUNNER_PREFIX)) continue;
    const runner = group.groupname.slice(RUNNER_PREFIX.length);
    const at = (field: string) => modelLocation(host, `/service/processGroups/${index}${field}`);
    if (!release.runners.includes(runner)) {
      out.push(violation(`runner:${runner}:unknown`, `${host.model.fqdn}: Mailman ${service.version} has no ${runner} runner; group ${group.groupname} would alert forever`, at('')));
      continue;
    }
    if (runner === 'rest') {
      if (!isRestCount(group.expectedProcesses)) {
        out.push(
          violation(
            'runner:rest:count',
            `${host.model.fqdn}: the REST runner runs instances x (1 + workers) processes (its gunicorn workers share its command line), at least 2; the model expects ${group.expectedProcesses}`,
            at('/expectedProcesses'),
          ),
        );
      }
    } else if (!isPowerOfTwo(group.expectedProcesses)) {
      out.push(
        violation(
          `runner:${runner}:count`,
          `${host.model.fqdn}: runner ${runner} runs one process per instance and Mailman requires a power of 2 instances; the model expects ${group.expectedProcesses}`,
          at('/expectedProcesses'),
        ),
      );
    }
    if (!new RegExp(`--runner=${escapeRegex(runner)}:`).test(group.cmdlineRegex.replace(/\\/g, ''))) {
      out.push(
        violation(
          `runner:${runner}:regex`,
          `${host.model.fqdn}: group ${group.groupname} matches ${JSON.stringify(group.cmdlineRegex)}, which does not single out --runner=${runner}: (it would count other runners)`,
          at('/cmdlineRegex'),
        ),
      );
    }
  }
  return out;
}

/** `name{groupname="x"} 3` lines of the collector's expected-processes block. */
export function exportedExpectedCounts(script: string, metric: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = new RegExp(`^${escapeRegex(metric)}\\{groupname="([^"]*)"\\}\\s+(\\S+)\\s*$`, 'gm');
  for (const m of script.matchAll(re)) out.set(m[1], m[2]);
  return out;
}

export const ExpectedProcessCounts: RuleImplementation = {
  checkHost(host) {
    const { model } = host;
    const violations: Violation[] = model.service.kind === 'mailman3' ? checkMailmanModel(host) : [];
    if (host.stack) {
      const path = queueCollectorPath(model);
      const script = host.stack.index.rootfs(model.fqdn, path);
      const file = host.stack.artifacts.display(rootfsPath(model.fqdn, path));
      const metric = queueMetricNames(model.service.metricPrefix).expectedProcesses;
      if (script === undefined) {
        violations.push(violation('collector-missing', `${model.fqdn}: the collector ${path} is not in the host's rootfs, so ${metric} is never exported`, { file }));
      } else {
        const exported = exportedExpectedCounts(script, metric);
        const lineOf = (needle: string) => {
          const index = script.indexOf(needle);
          return index < 0 ? undefined : script.slice(0, index).split('\n').length;
        };
        model.service.processGroups.forEach((group, i) => {
          const value = exported.get(group.groupname);
          if (value === String(group.expectedProcesses)) return;
          violations.push(
            violation(
              `exported:${group.groupname}`,
              value === undefined
                ? `${model.fqdn}: the collector does not export ${metric}{groupname="${group.groupname}"}; the liveness alert has nothing to compare with`
                : `${model.fqdn}: the collector exports ${metric}{groupname="${group.groupname}"} ${value}, the model expects ${group.expectedProcesses}`,
              { file, line: lineOf(`${metric}{groupname="${group.groupname}"}`) ?? lineOf(metric) ?? 1 },
              [modelLocation(host, `/service/processGroups/${i}/expectedProcesses`)],
            ),
          );
        });
        const known = new Set(model.service.processGroups.map((g) => g.groupname));
        for (const name of exported.keys()) {
          if (!known.has(name)) {
            violations.push(
              violation(
                `exported:${name}:unknown`,
                `${model.fqdn}: the collector exports ${metric}{groupname="${name}"}, a group the model does not have (it would alert forever)`,
                { file, line: lineOf(`${metric}{groupname="${name}"}`) ?? 1 },
              ),
            );
          }
        }
      }
    }
    return fromViolations(violations);
  },
};
