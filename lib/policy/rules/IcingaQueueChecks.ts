/**
 * LH008: every queue gets an Icinga service with age and count thresholds;
 * the age of a paging queue pages.
 */
import { QUEUE_COMMAND_VAR, ROUTING_VAR } from '../../render/icinga2';
import { macroText } from '../artifacts/icinga2';
import { fromViolations, modelLocation, type RuleImplementation, type Violation } from '../types';
import { icingaFor, violation } from './support';

const PAGING_ROUTES = new Set(['page', 'page-critical']);

function numberVar(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  const text = macroText(value);
  return text !== undefined && /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : undefined;
}

export const IcingaQueueChecks: RuleImplementation = {
  checkHost(host, ctx) {
    const access = icingaFor(host, ctx, 'queue');
    if (!access.ok) return access.result;
    const { config, host: object } = access.value;
    const services = config.servicesFor(host.model.fqdn).filter((s) => s.vars[QUEUE_COMMAND_VAR.directory] !== undefined);
    const violations: Violation[] = [];
    host.model.service.queues.forEach((queue, i) => {
      const related = [modelLocation(host, `/service/queues/${i}`), { file: object.file, line: object.line }];
      const service = services.find((s) => macroText(s.vars[QUEUE_COMMAND_VAR.directory]) === queue.directory);
      if (!service) {
        violations.push(
          violation(
            `queue:${queue.name}`,
            `${host.model.fqdn}: no Icinga service checks queue ${queue.name} (vars.${QUEUE_COMMAND_VAR.directory} ${JSON.stringify(queue.directory)})`,
            services[0] ? { file: services[0].file, line: services[0].line } : { file: object.file, line: object.line },
            related,
          ),
        );
        return;
      }
      const problems: string[] = [];
      const checks: [string, number][] = [
        [QUEUE_COMMAND_VAR.ageWarning, queue.ageWarningSeconds],
        [QUEUE_COMMAND_VAR.ageCritical, queue.ageCriticalSeconds],
      ];
      for (const [name, want] of checks) {
        const got = numberVar(service.vars[name]);
        if (got === undefined) problems.push(`vars.${name} is not set`);
        else if (got !== want) problems.push(`vars.${name} is ${got}, the model says ${want}`);
      }
      if (numberVar(service.vars[QUEUE_COMMAND_VAR.countWarning]) === undefined && numberVar(service.vars[QUEUE_COMMAND_VAR.countCritical]) === undefined) {
        problems.push(`no message count threshold (vars.${QUEUE_COMMAND_VAR.countWarning})`);
      }
      const routing = macroText(service.vars[ROUTING_VAR]);
      if (queue.pagesOnAge && (routing === undefined || !PAGING_ROUTES.has(routing))) {
        problems.push(`the queue pages on age, but vars.${ROUTING_VAR} is ${JSON.stringify(routing ?? null)} (expected "page-critical" or "page")`);
      }
      if (problems.length > 0) {
        violations.push(
          violation(`queue:${queue.name}`, `${host.model.fqdn}: Icinga service "${service.name}" for queue ${queue.name}: ${problems.join('; ')}`, { file: service.file, line: service.line }, related),
        );
      }
    });
    return fromViolations(violations);
  },
};
