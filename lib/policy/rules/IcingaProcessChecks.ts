/**
 * LH006: every process group gets its own Icinga `procs` service whose
 * range starts at exactly the expected count (2023: the runner check
 * counted all runners together; `14:` cannot see one dead runner of 15).
 */
import { macroText } from '../artifacts/icinga2';
import { fromViolations, modelLocation, type RuleImplementation, type Violation } from '../types';
import { icingaFor, violation } from './support';

/**
 * The lowest count a Nagios range accepts without alerting (`N:`, `N:M`,
 * `M` means 0:M, `~:M` means no lower bound); undefined for inverted (`@`)
 * or unparsable ranges.
 */
export function rangeLowerBound(value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : macroText(value);
  if (text === undefined) return undefined;
  const range = text.trim();
  if (range.startsWith('@')) return undefined;
  const m = /^(~|-?\d+(?:\.\d+)?)?(:)?(-?\d+(?:\.\d+)?)?$/.exec(range);
  if (!m || range === '') return undefined;
  if (!m[2]) return m[1] !== undefined && m[1] !== '~' ? 0 : undefined;
  if (m[1] === undefined || m[1] === '~') return m[1] === '~' ? -Infinity : 0;
  return Number(m[1]);
}

export const IcingaProcessChecks: RuleImplementation = {
  checkHost(host, ctx) {
    const access = icingaFor(host, ctx, 'process group');
    if (!access.ok) return access.result;
    const { config, host: object } = access.value;
    const procs = config.servicesFor(host.model.fqdn).filter((s) => macroText(s.checkCommand) === 'procs');
    const violations: Violation[] = [];
    host.model.service.processGroups.forEach((group, i) => {
      const related = [modelLocation(host, `/service/processGroups/${i}`), { file: object.file, line: object.line }];
      const services = procs.filter((s) => {
        const regex = macroText(s.vars.procs_argument_regex);
        return regex === group.pgrepPattern || regex === group.cmdlineRegex;
      });
      if (services.length === 0) {
        violations.push(
          violation(
            `group:${group.groupname}`,
            `${host.model.fqdn}: no Icinga procs service checks process group ${group.groupname} (vars.procs_argument_regex ${JSON.stringify(group.pgrepPattern)})`,
            procs[0] ? { file: procs[0].file, line: procs[0].line } : { file: object.file, line: object.line },
            related,
          ),
        );
        return;
      }
      for (const service of services) {
        const problems: string[] = [];
        const thresholdVar = group.severity === 'critical' || service.vars.procs_warning === undefined ? 'procs_critical' : 'procs_warning';
        const lower = rangeLowerBound(service.vars[thresholdVar]);
        if (lower === undefined) problems.push(`vars.${thresholdVar} is ${JSON.stringify(service.vars[thresholdVar] ?? null)}, not a range starting at ${group.expectedProcesses}`);
        else if (lower < group.expectedProcesses) problems.push(`vars.${thresholdVar} accepts ${lower === -Infinity ? 'any count' : lower} processes, fewer than the ${group.expectedProcesses} expected, so a dead process goes unnoticed`);
        else if (lower > group.expectedProcesses) problems.push(`vars.${thresholdVar} wants at least ${lower} processes, more than the ${group.expectedProcesses} that run, so it always alerts`);
        const user = macroText(service.vars.procs_user);
        if (user !== undefined && user !== group.user) problems.push(`vars.procs_user is ${user}, the group runs as ${group.user}`);
        if (problems.length > 0) {
          violations.push(
            violation(
              `group:${group.groupname}:range`,
              `${host.model.fqdn}: Icinga service "${service.name}": ${problems.join('; ')}`,
              { file: service.file, line: service.line },
              related,
            ),
          );
        }
      }
    });
    return fromViolations(violations);
  },
};
