/** Runbook sections for queue alerts: not draining, many messages, failed messages, the collector. */
import type { QueueModel } from '../../../model/types';
import { countQueue, journal, logSteps, oldestInQueue, watchQueue } from '../commands';
import { perClass, runnerOfQueue, type HostFacts } from '../hosts';
import { block, code, duration, sh, steps, table } from '../markdown';

/** 'a big posting' -> 'A big posting'. */
function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
import type { PageContext, Section } from '../types';

function queueTable(facts: HostFacts, which: (q: QueueModel) => boolean): string {
  const queues = facts.shape.service.queues.filter(which);
  if (queues.length === 0) return 'No such queue on these hosts.';
  return table(
    ['queue', 'directory', facts.shape.service.vocabulary.worker, 'age warning', 'age critical', 'messages warning'],
    queues.map((q) => [
      q.name,
      code(q.directory),
      runnerOfQueue(facts.shape, q)?.groupname ?? '(none)',
      duration(q.ageWarningSeconds),
      q.pagesOnAge ? duration(q.ageCriticalSeconds) : '(no page)',
      String(q.messagesWarning),
    ]),
  );
}

function inspectQueues(facts: HostFacts, which: (q: QueueModel) => boolean): string {
  const lines: string[] = [];
  for (const q of facts.shape.service.queues.filter(which)) {
    lines.push(`# ${q.name}: how many, and the oldest first`, countQueue(q, facts.shape.service), oldestInQueue(facts.shape, q));
  }
  const named = facts.shape.service.queueFilePattern !== null ? '\n\nA file name starts with its enqueue time in Unix seconds: `date -d @<that number>` tells when it came in.' : '';
  return `${block(lines)}${named}`;
}

function runnersOf(facts: HostFacts, which: (q: QueueModel) => boolean): string {
  const lines: string[] = [];
  for (const q of facts.shape.service.queues.filter(which)) {
    const group = runnerOfQueue(facts.shape, q);
    if (group) lines.push(`# ${group.role} works on ${q.name}: ${group.expectedProcesses} expected`, sh(['pgrep', '-a', '-u', group.user, '-f', group.pgrepPattern]));
  }
  return lines.length === 0 ? `These queues have no ${facts.shape.service.vocabulary.worker} of their own.` : block(lines);
}

function smtpHint(facts: HostFacts): string {
  if (facts.mailmanCli === null) return 'Check the outgoing mail relay the service delivers to.';
  return `When the outgoing relay refuses mail, messages move from \`out\` to \`retry\`. The relay is the \`[mta]\` section of the configuration:\n\n${block([sh(['grep', '-n', '-A', '8', '^\\[mta\\]', facts.shape.service.configFile])])}`;
}

const paging = (q: QueueModel) => q.pagesOnAge;
const growing = (q: QueueModel) => q.pagesOnGrowth === true;
const any = () => true;

export function queueGrowthSection(ctx: PageContext): Section {
  const w = ctx.words;
  return {
    meaning:
      'A queue (label _queue_) whose messages are retried has held more messages in its last retry window than in the ' +
      'window before, which held mail already, and it kept growing: mail is not leaving the host. ' +
      (ctx.mailman
        ? 'When the local MTA refuses mail, Mailman moves each message from `out` to `retry`, and the `retry` runner ' +
          'moves every message back to `out` each 15 minutes to try again; every move renames the file with a new ' +
          'timestamp. So the oldest message of `retry` is never older than 15 minutes and the age alert cannot see ' +
          'the outage: only the count grows. `retry` is normally empty on a list host, as the local MTA accepts everything.'
        : 'Its messages move between queues on every retry, and each move makes them look new, so the age of the ' +
          'oldest message cannot see the outage: only the count grows.') +
      ` A short refusal (a restart of the MTA) drains at the next retry and does not page, nor does ${w.burst}.`,
    diagnosis: steps([
      `The queues that page on growth:\n\n${perClass(ctx.classes, (f) => queueTable(f, growing))}`,
      `Look at them (size, newest and oldest files):\n\n${perClass(ctx.classes, (f) => inspectQueues(f, growing))}`,
      perClass(ctx.classes, smtpHint),
      perClass(ctx.classes, (f) =>
        f.mailmanCli === null
          ? 'Is the SMTP server the service delivers to running and accepting mail? Try it by hand from the host.'
          : 'Is the local MTA running and accepting mail on the host and port of `[mta]` above (`smtp_host`, `smtp_port`: ' +
            `localhost 25 unless set)? A refused connection or a 4xx reply is what puts mail in \`retry\`:\n\n${block([sh(['ss', '-ltn', 'sport = :25'])])}`,
      ),
      `What the service logged (a delivery error repeats at every retry):\n\n${perClass(ctx.classes, (f) => block(logSteps(f)))}`,
      `Are the ${w.workers} of these and the delivery queues alive? ${ctx.seeAlso('runner')}\n\n${perClass(ctx.classes, (f) => runnersOf(f, (q) => growing(q) || paging(q)))}`,
    ]),
    fix: steps([
      'Do not delete queue files: each one is a message somebody sent.',
      'Make the SMTP server accept mail again (start it, free its disk, fix its configuration or its relay).',
      `Nothing to requeue: the ${w.workers} retry on their schedule${ctx.mailman ? ' (the `retry` runner every 15 minutes)' : ''}, and the queue empties at the next pass.`,
    ]),
    verify: steps([
      `The queue empties at the next retry:\n\n${perClass(ctx.classes, (f) => block(f.shape.service.queues.filter(growing).map((q) => watchQueue(q, f.shape.service))))}`,
      'The alert resolves once the queue stops growing, within one retry window.',
    ]),
  };
}

export function queueAgeSection(ctx: PageContext): Section {
  const w = ctx.words;
  return {
    meaning:
      'The oldest message in a queue (label _queue_) has waited longer than it should and is still waiting. The age ' +
      `of the oldest message tells a queue that stopped draining from ${w.burst} that drains: ${w.burst} keeps ` +
      'it low while the count is high. On a delivery queue it means mail is not going out.',
    diagnosis: steps([
      `The queues and their limits:\n\n${perClass(ctx.classes, (f) => queueTable(f, any))}`,
      `Look at the queue of the alert (its size, its oldest messages):\n\n${perClass(ctx.classes, (f) => inspectQueues(f, paging))}`,
      `Is its ${w.worker} alive? ${ctx.mailman ? 'In 2023 the `out` runner was dead and the queue grew for two days.' : `A queue whose ${w.worker} is dead grows until someone looks.`} ${ctx.seeAlso('runner')}\n\n${perClass(ctx.classes, (f) => runnersOf(f, any))}`,
      ...(ctx.database ? [`Is the database reachable? ${ctx.seeAlso('database')}`] : []),
      perClass(ctx.classes, smtpHint),
      `What the service logged:\n\n${perClass(ctx.classes, (f) => block(logSteps(f)))}`,
    ]),
    fix: steps([
      'Do not delete queue files: each one is a message somebody sent.',
      `A dead ${w.worker}: fix its cause, then restart the whole service:\n\n${perClass(ctx.classes, (f) => block([f.restart]))}`,
      `A refusing relay${ctx.database ? ' or an unreachable database' : ''}: fix that; the ${w.workers} pick the messages up again (retry on their schedule).`,
    ]),
    verify: steps([
      `The queue drains (the count goes down and the oldest file name gets younger):\n\n${perClass(ctx.classes, (f) => block(f.shape.service.queues.filter(paging).map((q) => watchQueue(q, f.shape.service))))}`,
      'The alert resolves once the oldest message is younger than the warning age.',
    ]),
  };
}

export function queueMessagesSection(ctx: PageContext): Section {
  const w = ctx.words;
  return {
    meaning:
      `A queue (label _queue_) has held many messages for a long time. ${capitalize(w.burst)} drains within the hour; a ` +
      'queue that stays large is draining slower than mail comes in, or not at all. In 2014, after the restore, ' +
      'more than 10,000 outgoing messages queued up.',
    diagnosis: steps([
      `The queues and their limits:\n\n${perClass(ctx.classes, (f) => queueTable(f, any))}`,
      `Size and oldest messages of each queue:\n\n${perClass(ctx.classes, (f) => inspectQueues(f, any))}`,
      `If the oldest message is old too, the queue is not draining: ${ctx.seeAlso('queue-age', 'runner')}`,
      `The ${w.workers} of the queues:\n\n${perClass(ctx.classes, (f) => runnersOf(f, any))}`,
      `A mail loop or flood shows as many messages from one sender or to one ${ctx.mailman ? 'list' : 'recipient'} in the log:\n\n${perClass(ctx.classes, (f) => block(logSteps(f)))}`,
    ]),
    fix: steps([
      `${ctx.mailman ? 'A posting to a big list' : capitalize(w.burst)}: nothing to do but watch it drain.`,
      `A stuck ${w.worker}: restart the service after fixing the cause (see the ${w.worker} runbook).`,
      `A loop or flood: stop it at its source (${ctx.mailman ? 'moderate the list, ' : ''}block the sender); do not delete queue files.`,
    ]),
    verify: steps([`The count goes down:\n\n${perClass(ctx.classes, (f) => block(f.shape.service.queues.map((q) => watchQueue(q, f.shape.service))))}`]),
  };
}

export function failedMessagesSection(ctx: PageContext): Section {
  const failed = (q: QueueModel) => q.ticketWhenNonEmpty;
  const { mailman } = ctx;
  return {
    meaning: mailman
      ? 'Messages the service could not process wait in a queue for failed messages (label _queue_: Mailman moves a ' +
        'message to `shunt` when a runner raised an exception on it, and to `bad` when it cannot be read at all). ' +
        'Nothing will ever look at them but a human.'
      : 'Messages the service could not process, or set aside for a human, wait in a queue of their own (label _queue_). ' +
        'Nothing will ever look at them but a human.',
    diagnosis: steps([
      `The queues:\n\n${perClass(ctx.classes, (f) => queueTable(f, failed))}`,
      `The messages:\n\n${perClass(ctx.classes, (f) => block(f.shape.service.queues.filter(failed).map((q) => sh(['ls', '-l', q.directory]))))}`,
      `The exception that put them there (search the log for the file name):\n\n${perClass(ctx.classes, (f) => block(logSteps(f)))}`,
      perClass(ctx.classes, (f) =>
        f.mailmanCli === null
          ? 'Read a message file to see its sender and recipients.'
          : `Read one message and its metadata:\n\n${block([`${f.mailmanCli} qfile <directory>/<file>`])}`,
      ),
    ]),
    fix: steps([
      'Fix the cause of the exception first, or the messages fail again.',
      perClass(ctx.classes, (f) =>
        f.mailmanCli === null
          ? `${capitalize(f.shape.service.vocabulary.requeue)} or remove the messages with the service's own tools.`
          : `Move the shunted messages back to the queues they came from (add \`--discard\` only to drop them for good):\n\n${block([`${f.mailmanCli} unshunt`])}\n\nFiles in \`bad\` cannot be requeued: copy them off the host for analysis, then remove them.`,
      ),
    ]),
    verify: steps([`The queues are empty:\n\n${perClass(ctx.classes, (f) => block(f.shape.service.queues.filter(failed).map((q) => countQueue(q, f.shape.service))))}`]),
  };
}

export function collectorSection(ctx: PageContext): Section {
  return {
    meaning:
      'The queue collector (a systemd timer on the host that counts queue files for node_exporter) has not ' +
      'succeeded lately, or not at all. Queue sizes and ages are frozen or missing, so the queue alerts are blind, ' +
      `and without its expected-process series the ${ctx.words.worker} alert is blind too. ` +
      (ctx.mailman ? 'In 2023 the `out` queue was not measured at all and grew for two days unseen.' : 'A queue nobody measures can grow for days unseen.'),
    diagnosis: steps([
      `The timer, its last runs and their errors (a queue directory it cannot read is named there):\n\n${perClass(ctx.classes, (f) => block([sh(['systemctl', 'list-timers', f.collector.timer]), sh(['systemctl', 'status', f.collector.service]), journal(f.collector.service, '-1h')]))}`,
      `Run it by hand and read its error; then its output file, which node_exporter's textfile collector reads:\n\n${perClass(ctx.classes, (f) => block([`${sh([f.collector.program])}; echo "exit $?"`, sh(['cat', f.collector.textfile]), `curl -s http://localhost:${f.shape.exporters.nodeExporterPort}/metrics | grep -c '^${f.shape.service.metricPrefix}_'`]))}`,
      `The queue directories must exist and be readable:\n\n${perClass(ctx.classes, (f) => block([sh(['ls', '-ld', ...f.shape.service.queues.map((q) => q.directory)])]))}`,
      `A full filesystem stops it from writing its file. ${ctx.seeAlso('inodes', 'space')}`,
    ]),
    fix: steps([
      perClass(ctx.classes, (f) => `Start the timer again if it is stopped:\n\n${block([sh(['systemctl', 'enable', '--now', f.collector.timer])])}`),
      'Fix what its error names (a missing queue directory, permissions, a full textfile directory).',
    ]),
    verify: steps([perClass(ctx.classes, (f) => `Its file is fresh (written within the last minute):\n\n${block([sh(['ls', '-l', '--time-style=+%FT%T', f.collector.textfile])])}`)]),
  };
}

