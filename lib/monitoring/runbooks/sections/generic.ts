/** The runbook section for an alert no category matches: the service, its logs, its restart. */
import { logSteps, processCheck } from '../commands';
import { perClass } from '../hosts';
import { block, steps } from '../markdown';
import type { PageContext, Section } from '../types';

export function genericSection(ctx: PageContext): Section {
  return {
    meaning: 'See the description above and the expression below for what the alert measures.',
    diagnosis: steps([
      'Run the expression in Prometheus to see which series fire and their labels.',
      `The service's processes, against the counts the host expects:\n\n${perClass(ctx.classes, (f) => block(processCheck(f.shape)))}`,
      `The service's log:\n\n${perClass(ctx.classes, (f) => block(logSteps(f)))}`,
    ]),
    fix: steps([
      'Fix what the log names.',
      perClass(ctx.classes, (f) => `If the service is stuck, restart it:\n\n${block([f.restart])}`),
    ]),
    verify: steps(['The expression returns nothing for the host any more.']),
  };
}
