/** Runbook sections for reachability: the web front end, the database, the host itself. */
import type { HostModel } from '../../../model/types';
import { BLACKBOX_MODULES } from '../../scrape-config';
import { logSteps, processCheck, tcpCheck, watchQueue } from '../commands';
import { perClass, perHostTable } from '../hosts';
import { block, code, sh, steps } from '../markdown';
import type { PageContext, Section } from '../types';

/** Asks the host's own blackbox_exporter to run the probe and explain it. */
function probeDebug(host: HostModel, module: string, target: string): string {
  const url = `http://${host.fqdn}:${host.exporters.blackboxExporterPort}/probe?module=${module}&target=${encodeURIComponent(target)}&debug=true`;
  return sh(['curl', '-s', url]);
}

/** The list host (Mailman) or the host: what _instance_ names on a reachability page. */
function hostWord(ctx: PageContext): string {
  return ctx.mailman ? 'the list host' : 'the host';
}

/** What the web front end depends on: Mailman's REST runner, or the service's processes. */
function backendOf(ctx: PageContext): string {
  return perClass(ctx.classes, (f) => {
    if (f.mailmanCli === null) {
      return `The web front end depends on ${f.shape.service.vocabulary.webBackend}: check the service's processes against the counts the host expects:\n\n${block(processCheck(f.shape))}`;
    }
    const rest = f.shape.service.processGroups.find((g) => g.role === 'runner rest');
    return rest
      ? `The web front end talks to the service's REST runner; is it up (${rest.expectedProcesses} processes expected)?\n\n${block([sh(['pgrep', '-a', '-u', rest.user, '-f', rest.pgrepPattern])])}`
      : 'The service has no REST runner group to check.';
  });
}

export function webSection(ctx: PageContext): Section {
  const w = ctx.words;
  return {
    meaning:
      `Most probes of the web front end (label _instance_ is ${hostWord(ctx)}; \`probe="web"\`) failed over the ` +
      (ctx.mailman
        ? 'window: list members cannot read archives or manage subscriptions. A probe failing now and then does not ' +
          'fire this: in 2023 a flaky web service raised alerts that recovered by themselves, people learned to ' +
          'ignore them, and missed the one that mattered.'
        : "window: the service's users cannot reach it. A probe failing now and then does not fire this: alerts " +
          'that recover by themselves teach people to ignore alerts, and then they miss the one that matters.'),
    diagnosis: steps([
      `Fetch the page yourself, and ask the host's blackbox_exporter why its probe fails:\n\n${perHostTable(ctx.hosts, ['web URL', 'fetch', 'probe'], (h) =>
        h.webUrl
          ? [code(h.webUrl), code(sh(['curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}\\n', h.webUrl])), code(probeDebug(h, BLACKBOX_MODULES.web, h.webUrl))]
          : undefined,
      )}`,
      backendOf(ctx),
      `The service's log:\n\n${perClass(ctx.classes, (f) => block(logSteps(f)))}`,
      ctx.seeAlso('runner', 'database', 'space', 'inodes'),
    ]),
    fix: steps([
      `Fix what the probe output and the logs name (web server, TLS certificate, ${w.webBackend}${ctx.mailman || ctx.database ? ', the database' : ''}).`,
      perClass(ctx.classes, (f) =>
        `${f.mailmanCli !== null ? 'A dead REST runner: restart the service' : `If ${f.shape.service.vocabulary.webBackend} died, restart the service`}:\n\n${block([f.restart])}`,
      ),
      'If the site is flaky, find out why instead of raising the threshold: alerts people learn to ignore hide the real ones.',
    ]),
    verify: steps(['The fetch above returns 200 and the probe says `probe_success 1`.']),
  };
}

export function databaseSection(ctx: PageContext): Section {
  const w = ctx.words;
  return {
    meaning:
      `The TCP probe from ${hostWord(ctx)} (label _instance_, \`probe="database"\`) to the database it depends on fails. ` +
      (ctx.mailman
        ? 'Runners that lose the database die, and the master does not restart them: in 2023 the `out` runner ' +
          'died this way during network maintenance and mail stopped for two days.'
        : `A ${w.worker} that loses its database may die` +
          (w.supervisorRestartsWorkers
            ? `; the ${w.supervisor} starts it again, and it may keep dying until the database is back.`
            : `, and the ${w.supervisor} does not restart it: it stays down until the service is restarted.`)),
    diagnosis: steps([
      `Connect from ${hostWord(ctx)}, and ask its blackbox_exporter:\n\n${perHostTable(ctx.hosts, ['database', 'connect', 'probe'], (h) =>
        h.database
          ? [code(`${h.database.host}:${h.database.port}`), code(tcpCheck(h.database)), code(probeDebug(h, BLACKBOX_MODULES.database, `${h.database.host}:${h.database.port}`))]
          : undefined,
      )}`,
      'Is there network maintenance or a database failover going on? Ask its owners.',
      `Are the ${w.workers} still alive?\n\n${perClass(ctx.classes, (f) => block(processCheck(f.shape)))}`,
    ]),
    fix: steps([
      'Get the database reachable again (network, database server, credentials).',
      perClass(ctx.classes, (f) =>
        `Then restart the service if any ${w.worker} died while it was not (${w.supervisorRestartsWorkers ? `the ${w.supervisor} may hold back one that kept failing` : 'they do not come back on their own'}):\n\n${block([f.restart])}`,
      ),
      ctx.seeAlso('runner', 'self-heal'),
    ]),
    verify: steps([
      `The connect check says \`reachable\`; every ${w.worker} has its expected count.`,
      perClass(ctx.classes, (f) => block(f.shape.service.queues.filter((q) => q.pagesOnAge).map((q) => watchQueue(q, f.shape.service)))),
    ]),
  };
}

export function hostDownSection(ctx: PageContext): Section {
  return {
    meaning:
      'Prometheus reaches none of the exporters on the host: it is down, cut off, or every exporter died. While ' +
      'this fires, Alertmanager holds back every other alert of the host, so nothing else tells you what is ' +
      'wrong on it.',
    diagnosis: steps([
      `Reach the host and its node_exporter; find its place (a maintenance there?) and who to tell:\n\n${perHostTable(ctx.hosts, ['site', 'row', 'ping', 'node_exporter', 'maintenance in its place'], (h) => [
        h.location.site,
        h.location.row,
        code(sh(['ping', '-c', '3', h.fqdn])),
        code(`curl -sf -o /dev/null ${sh([`http://${h.fqdn}:${h.exporters.nodeExporterPort}/metrics`])} && echo up`),
        code(sh(['npx', 'listhost', 'inventory', '--site', h.location.site, '--row', h.location.row])),
      ])}`,
      `From its console: did it crash, hang, or lose the network? ${ctx.mailman ? 'In 2023 the list host was affected by a switch upgrade its owners had not been told about.' : 'Ask its owners about maintenance they may not have announced (a switch upgrade, say).'}`,
    ]),
    fix: steps([
      'Bring the host back (console, power, network).',
      ctx.listAdmins ? 'Tell the list admins if lists are down for long.' : 'Tell the host\'s contacts if the service is down for long.',
    ]),
    verify: steps([
      `Once it is back, the held-back alerts show again. Check the service above all: ${ctx.mailman ? 'a maintenance killed the `out` runner in 2023 and it stayed dead' : `a ${ctx.words.worker} can die in a maintenance${ctx.words.supervisorRestartsWorkers ? '' : ' and stay dead'}`}.\n\n${perClass(ctx.classes, (f) => block([...processCheck(f.shape), ...f.shape.service.queues.filter((q) => q.pagesOnAge).map((q) => watchQueue(q, f.shape.service))]))}`,
      ctx.seeAlso('runner', 'queue-age', 'inodes'),
    ]),
  };
}
