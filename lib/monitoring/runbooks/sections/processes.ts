/** Runbook sections for process alerts: a dead runner, a dead master, a self-heal restart. */
import { journal, logSteps, processCheck, selfHealState, tcpCheck, watchQueue } from '../commands';
import { perClass, perHostTable, type HostFacts } from '../hosts';
import { block, code, duration, sh, steps } from '../markdown';
import type { PageContext, Section } from '../types';

function databaseChecks(ctx: PageContext): string {
  const rows = perHostTable(ctx.hosts, ['database', 'check from the host'], (h) =>
    h.database ? [code(`${h.database.host}:${h.database.port}`), code(tcpCheck(h.database))] : undefined,
  );
  return rows === '' ? 'The hosts declare no database.' : rows;
}

function drainWatch(facts: HostFacts): string {
  const paging = facts.shape.service.queues.filter((q) => q.pagesOnAge);
  if (paging.length === 0) return 'No queue pages on age on these hosts.';
  const backlog = facts.mailmanCli !== null ? ' (the 2023 backlog of 4,000 messages took 5 hours)' : '';
  return `Watch the delivery queues drain${backlog}:\n\n${block(paging.map((q) => watchQueue(q, facts.shape.service)))}`;
}

function restartStep(facts: HostFacts): string {
  const w = facts.shape.service.vocabulary;
  return `Restart the whole service; the ${w.supervisor} starts every ${w.worker} again (a single ${w.worker} cannot be restarted on its own):\n\n${block([facts.restart])}`;
}

export function runnerSection(ctx: PageContext): Section {
  const { mailman, words: w } = ctx;
  return {
    meaning:
      'A process group of the service runs fewer processes than its host expects (label _groupname_ says which; ' +
      'the host exports what it expects as `*_runner_expected_processes`). ' +
      (mailman
        ? 'Each Mailman runner is its own group ' +
          '(the REST runner counts its gunicorn workers too), so one dead runner is seen even while the others run. ' +
          'The master does not restart a runner that died of a signal or an exception: it stays dead, and the queue ' +
          'it works on stops draining while mail keeps arriving.'
        : 'Each group is checked on its own, so one dead group is seen even while the others run. ' +
          (w.supervisorRestartsWorkers
            ? `The ${w.supervisor} starts a ${w.worker} that died again, so a group short for the alert's duration keeps dying or is held back after failing at start. `
            : `The ${w.supervisor} does not start a ${w.worker} that died again. `) +
          'While it is short, the queues it works on stop draining while mail keeps arriving.'),
    diagnosis: steps([
      `See which group is short, against the counts the host expects:\n\n${perClass(ctx.classes, (f) => block(processCheck(f.shape)))}`,
      `Find why it died (a traceback at the time it disappeared):\n\n${perClass(ctx.classes, (f) => block(logSteps(f)))}`,
      ...(ctx.database
        ? [`Check the database from the host: ${mailman ? 'in 2023 the `out` runner died because the database was unreachable, and it dies again at once while it still is' : `a ${w.worker} that loses its database may die, and may die again at once while it still is unreachable`}. ${ctx.seeAlso('database')}\n\n${databaseChecks(ctx)}`]
        : []),
      `Check whether self-heal has restarted the service already (it does so at most once per interval; a ${w.worker} that died again after that needs a human):\n\n${perClass(ctx.classes, (f) => `${block(selfHealState(f))}\n\nMinimum interval between restarts: ${duration(f.shape.selfHeal.minIntervalSeconds)}.`)}`,
    ]),
    fix: steps([
      'Fix the cause first (database, network, a broken message: see the log).',
      perClass(ctx.classes, restartStep),
      ...(mailman ? ['Messages a runner was working on when it died (`.bak` files in the queue directory) are recovered when the runners start.'] : []),
    ]),
    verify: steps([
      `Every group has its expected count again (the same commands as above).`,
      perClass(ctx.classes, drainWatch),
      `The alert resolves once the counts are right for its \`for\` duration. ${ctx.seeAlso('queue-age', 'self-heal')}`,
    ]),
  };
}

export function masterSection(ctx: PageContext): Section {
  const w = ctx.words;
  return {
    meaning:
      `The ${w.supervisor} process of the service is not running. Without it no ${w.worker} is supervised and nothing is ` +
      `delivered; its ${w.workers} are usually gone too (their RunnerDown alerts are inhibited while this one fires).`,
    diagnosis: steps([
      `State of the unit and what it logged:\n\n${perClass(ctx.classes, (f) => block([sh(['systemctl', 'status', f.shape.service.unit]), ...logSteps(f)]))}`,
      `The ${w.supervisor} and the ${w.workers}:\n\n${perClass(ctx.classes, (f) => block(processCheck(f.shape)))}`,
      `A full or read-only filesystem stops the ${w.supervisor} from writing its lock and pid files (2014: no inodes left). ${ctx.seeAlso('inodes', 'space')}`,
    ]),
    fix: steps([
      'Fix the cause the log names.',
      perClass(ctx.classes, (f) => `Start the service again:\n\n${block([f.restart])}`),
    ]),
    verify: steps([
      `The ${w.supervisor} and every ${w.worker} run with their expected counts (the commands above).`,
      perClass(ctx.classes, drainWatch),
      ctx.seeAlso('runner', 'queue-age'),
    ]),
  };
}

export function selfHealSection(ctx: PageContext): Section {
  const w = ctx.words;
  return {
    meaning:
      'The host\'s self-heal timer found a process group short and restarted the whole service. The restart ' +
      `brought the ${w.workers} back, but a ${w.worker} died first and nobody knows why yet: this is the ticket to find out. ` +
      `Self-heal restarts at most once per interval, so a ${w.worker} that dies at once again stays dead and pages.`,
    diagnosis: steps([
      `When self-heal restarted the service and which groups were short (its journal says "short process groups: …"):\n\n${perClass(ctx.classes, (f) => `${block([...selfHealState(f), sh(['systemctl', 'list-timers', f.selfHeal.timer])])}\n\nIt runs ${code(f.selfHeal.program)} every ${duration(f.shape.selfHeal.checkIntervalSeconds)} and restarts at most every ${duration(f.shape.selfHeal.minIntervalSeconds)}.`)}`,
      `Read the service log around that time for the traceback of the ${w.worker} that died:\n\n${perClass(ctx.classes, (f) => block(logSteps(f)))}`,
      ...(ctx.database ? [`Was the database reachable then? ${ctx.seeAlso('database')}`] : []),
    ]),
    fix: steps([
      `Fix what killed the ${w.worker} (${ctx.database ? 'database connection, ' : ''}a message that crashes it, memory).`,
      `If the groups are short again now, restart by hand after the fix: ${ctx.seeAlso('runner')}`,
    ]),
    verify: steps([
      `Every group has its expected count:\n\n${perClass(ctx.classes, (f) => block(processCheck(f.shape)))}`,
      `No new restart in the state file or journal of self-heal for a while:\n\n${perClass(ctx.classes, (f) => block([journal(f.selfHeal.service, '-1h')]))}`,
    ]),
  };
}
