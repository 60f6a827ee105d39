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

function restOf(ctx: PageContext): string {
  return perClass(ctx.classes, (f) => {
    const rest = f.shape.service.processGroups.find((g) => g.role === 'runner rest');
    return rest
      ? `The web front end talks to the service's REST runner; is it up (${rest.expectedProcesses} processes expected)?\n\n${block([sh(['pgrep', '-a', '-u', rest.user, '-f', rest.pgrepPattern])])}`
      : 'The service has no REST runner group to check.';
  });
}

export function webSection(ctx: PageContext): Section {
  return {
    meaning:
      'Most probes of the web front end (label _instance_ is the list host; `probe="web"`) failed over the ' +
      'window: list members cannot read archives or manage subscriptions. A probe failing now and then does not ' +
      'fire this: in 2023 a flaky web service raised alerts that recovered by themselves, people learned to ' +
      'ignore them, and missed the one that mattered.',
    diagnosis: steps([
      `Fetch the page yourself, and ask the host's blackbox_exporter why its probe fails:\n\n${perHostTable(ctx.hosts, ['web URL', 'fetch', 'probe'], (h) =>
        h.webUrl
          ? [code(h.webUrl), code(sh(['curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}\\n', h.webUrl])), code(probeDebug(h, BLACKBOX_MODULES.web, h.webUrl))]
          : undefined,
      )}`,
      restOf(ctx),
      `The service's log:\n\n${perClass(ctx.classes, (f) => block(logSteps(f)))}`,
      ctx.seeAlso('runner', 'database', 'space', 'inodes'),
    ]),
    fix: steps([
      'Fix what the probe output and the logs name (web server, TLS certificate, the REST runner, the database).',
      perClass(ctx.classes, (f) => `A dead REST runner: restart the service:\n\n${block([f.restart])}`),
      'If the site is flaky, find out why instead of raising the threshold: alerts people learn to ignore hide the real ones.',
    ]),
    verify: steps(['The fetch above returns 200 and the probe says `probe_success 1`.']),
  };
}

export function databaseSection(ctx: PageContext): Section {
  return {
    meaning:
      'The TCP probe from the list host (label _instance_, `probe="database"`) to the database it depends on ' +
      'fails. Runners that lose the database die, and the master does not restart them: in 2023 the `out` runner ' +
      'died this way during network maintenance and mail stopped for two days.',
    diagnosis: steps([
      `Connect from the list host, and ask its blackbox_exporter:\n\n${perHostTable(ctx.hosts, ['database', 'connect', 'probe'], (h) =>
        h.database
          ? [code(`${h.database.host}:${h.database.port}`), code(tcpCheck(h.database)), code(probeDebug(h, BLACKBOX_MODULES.database, `${h.database.host}:${h.database.port}`))]
          : undefined,
      )}`,
      'Is there network maintenance or a database failover going on? Ask its owners.',
      `Are the runners still alive?\n\n${perClass(ctx.classes, (f) => block(processCheck(f.shape)))}`,
    ]),
    fix: steps([
      'Get the database reachable again (network, database server, credentials).',
      perClass(ctx.classes, (f) => `Then restart the service if any runner died while it was not (they do not come back on their own):\n\n${block([f.restart])}`),
      ctx.seeAlso('runner', 'self-heal'),
    ]),
    verify: steps([
      'The connect check says `reachable`; every runner has its expected count.',
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
      `From its console: did it crash, hang, or lose the network? In 2023 ${ctx.mailman ? 'the list host' : 'a mailing-list host'} was affected by a switch upgrade its owners had not been told about.`,
    ]),
    fix: steps([
      'Bring the host back (console, power, network).',
      ctx.listAdmins ? 'Tell the list admins if lists are down for long.' : 'Tell the host\'s contacts if the service is down for long.',
    ]),
    verify: steps([
      `Once it is back, the held-back alerts show again. Check the service above all: a maintenance killed ${ctx.mailman ? 'the `out` runner' : 'the outgoing-mail worker of a mailing-list host'} in 2023 and it stayed dead.\n\n${perClass(ctx.classes, (f) => block([...processCheck(f.shape), ...f.shape.service.queues.filter((q) => q.pagesOnAge).map((q) => watchQueue(q, f.shape.service))]))}`,
      ctx.seeAlso('runner', 'queue-age', 'inodes'),
    ]),
  };
}
