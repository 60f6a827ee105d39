/**
 * A generic service WITH a database and a web front end (the relay of
 * examples/mail-relay has neither): its alerts and runbooks must speak its
 * own words, not Mailman's. A small "jobworker" service is declared here with
 * the public building blocks (ListhostStack, ServiceHost), once with a
 * supervisor that does not restart its workers and once with one that does,
 * and rendered as a stack renders its monitoring; the Mailman example host,
 * rendered the same way, is the control that the words looked for are there
 * to be found.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Testing } from 'cdktf';
import { parse } from 'yaml';
import { ListhostStack, ServiceHost, type ServiceDefinitionProps } from '../../lib';
import { renderMonitoring } from '../../lib/monitoring/render-monitoring';
import { hostProps, newHost, STACK_PROPS } from '../helpers/example-props';
import { run } from '../helpers/run';

/** Words of Mailman and of its 2023 incident (alert names such as JobworkerRunnerDown are fixed, not words). */
const MAILMAN_WORDS = /mailman|\brunners?\b|\bout runner|\blist hosts?\b|list members|list admins|\bpostings?\b|\bREST\b|unshunt|\barchives\b|subscriptions/i;
/** Mailman's 2023 incident (on lists1001): on a page not Mailman's, told only under "Why this alert exists". */
const INCIDENT = /\b2023\b|lists1001/;

function jobworker(supervisorRestartsWorkers: boolean): ServiceDefinitionProps {
  return {
    kind: 'jobworker',
    version: '2.1.0',
    metricPrefix: 'jobworker',
    unit: 'jobworker.service',
    configFile: '/etc/jobworker/jobworker.toml',
    processGroups: [
      { groupname: 'jobworker-dispatcher', role: 'master', cmdlineRegex: '^/usr/bin/jobworker dispatch( |$)', user: 'jobs' },
      { groupname: 'jobworker-exec', role: 'executor', cmdlineRegex: '^/usr/bin/jobworker exec( |$)', user: 'jobs', expectedProcesses: 4 },
    ],
    queues: [
      { name: 'pending', directory: '/srv/jobs/pending', pagesOnAge: true },
      { name: 'failed', directory: '/srv/jobs/failed', ticketWhenNonEmpty: true },
    ],
    vocabulary: {
      worker: 'job worker',
      supervisor: 'dispatcher',
      supervisorRestartsWorkers,
      burst: 'a batch of jobs',
      requeue: 'resubmit',
      webBackend: 'the API workers',
    },
  };
}

interface Rendered {
  readonly files: Record<string, string>;
  readonly alerts: ReadonlyArray<{ alert: string; annotations: { summary: string; description: string } }>;
  readonly description: (alert: string) => string;
  readonly runbooks: ReadonlyArray<readonly [name: string, page: string]>;
}

async function render(hosts: readonly ServiceHost[], stack: ListhostStack): Promise<Rendered> {
  const files = await renderMonitoring(hosts.map((h) => h.model), stack.monitoring);
  const alerts = parse(files['prometheus/rules.yml']).groups.flatMap((g: { rules: Array<{ alert?: string }> }) => g.rules.filter((r) => r.alert));
  return {
    files,
    alerts,
    description: (alert) => {
      const found = alerts.find((r: { alert: string }) => r.alert === alert);
      assert.ok(found, `no alert ${alert}`);
      return found.annotations.description;
    },
    runbooks: Object.entries(files).filter(([name]) => name.startsWith('runbooks/')),
  };
}

async function renderJobworker(supervisorRestartsWorkers: boolean): Promise<Rendered> {
  const stack = new ListhostStack(Testing.app(), 'jobs', {
    monitoring: { runbookBaseUrl: 'https://runbooks.example.org/jobs/', alerting: { pager: STACK_PROPS.monitoring.alerting.pager, tickets: STACK_PROPS.monitoring.alerting.tickets } },
  });
  const { location, platform, rootVolume, backup } = hostProps('jobs1001.example.org');
  const host = new ServiceHost(stack, 'jobs1001', {
    fqdn: 'jobs1001.example.org',
    location, platform, rootVolume,
    service: jobworker(supervisorRestartsWorkers),
    dataVolume: { mountpoint: '/srv/jobs', device: '/dev/vdb1', size: '50GiB' },
    backup: { ...backup, paths: ['/etc/jobworker', '/srv/jobs'] },
    database: { host: 'pg1001.example.org', port: 5432 },
    webUrl: 'https://jobs1001.example.org/status',
  });
  return render([host], stack);
}

/** A page without its "Why this alert exists" section (the history of the library, told generically). */
function withoutHistory(page: string): string {
  const start = page.indexOf('\n## Why this alert exists\n');
  if (start < 0) return page;
  const end = page.indexOf('\n## ', start + 1);
  return page.slice(0, start) + page.slice(end);
}

describe('a generic service with a database and a web front end', () => {
  let stays: Rendered, restarts: Rendered, mailman: Rendered;
  const scratch = mkdtempSync(join(tmpdir(), 'listhost-jobworker-'));
  before(async () => {
    [stays, restarts] = [await renderJobworker(false), await renderJobworker(true)];
    const host = newHost();
    mailman = await render([host], host.node.scope as ListhostStack);
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('control: the Mailman example host\'s alerts and database, web and runner pages hold the words looked for', () => {
    const texts = mailman.alerts.flatMap((r) => [r.annotations.summary, r.annotations.description]).join('\n');
    for (const word of ['Mailman', 'runner', 'out runner', 'posting', 'REST runner']) assert.ok(texts.includes(word), word);
    assert.match(mailman.description('MailmanRunnerDown'), /Check MailmanDatabaseUnreachable first: in 2023 the out runner died/);
    assert.match(mailman.description('MailmanDatabaseUnreachable'), /\(2023: the out runner\)/);
    const page = (name: string) => withoutHistory(mailman.files[`runbooks/${name}.md`]);
    for (const name of ['MailmanDatabaseUnreachable', 'MailmanWebUnavailable', 'MailmanRunnerDown', 'MailmanQueueStalled', 'MailmanQueueCollectorStale', 'HostDown']) {
      assert.match(page(name), MAILMAN_WORDS, name);
      assert.match(page(name), INCIDENT, name);
    }
    assert.match(page('MailmanDatabaseUnreachable'), /the list host/);
    assert.match(page('MailmanWebUnavailable'), /list members cannot read archives or manage subscriptions/);
  });

  for (const [label, rendered] of [['a dispatcher that does not restart', () => stays], ['a dispatcher that restarts', () => restarts]] as const) {
    describe(`with ${label} its job workers`, () => {
      it('has the database and web alerts, and the rules pass promtool check rules', () => {
        const names = new Set(rendered().alerts.map((r) => r.alert));
        for (const name of ['JobworkerRunnerDown', 'JobworkerMasterDown', 'JobworkerDatabaseUnreachable', 'JobworkerWebUnavailable', 'JobworkerQueueStalled', 'JobworkerFailedMessagesQueued', 'HostDown']) {
          assert.ok(names.has(name), name);
          assert.ok(rendered().files[`runbooks/${name}.md`], `runbook of ${name}`);
        }
        const rules = join(scratch, `rules-${label.replace(/\W+/g, '-')}.yml`);
        writeFileSync(rules, rendered().files['prometheus/rules.yml']);
        const checked = run('promtool', ['check', 'rules', rules]);
        assert.equal(checked.status, 0, `${checked.stdout}\n${checked.stderr}`);
        assert.match(checked.stdout, /SUCCESS: \d+ rules found/);
      });

      it('no alert text names Mailman, its runners, list hosts or its 2023 incident', () => {
        for (const r of rendered().alerts) {
          for (const text of [r.annotations.summary, r.annotations.description]) {
            assert.doesNotMatch(text, MAILMAN_WORDS, `${r.alert}: ${text}`);
            assert.doesNotMatch(text, INCIDENT, `${r.alert}: ${text}`);
          }
        }
      });

      it('no runbook page names Mailman, its runners or list hosts; the 2023 story only as the library\'s history', () => {
        for (const [name, page] of rendered().runbooks) {
          assert.doesNotMatch(page, MAILMAN_WORDS, name);
          assert.doesNotMatch(withoutHistory(page), INCIDENT, name);
        }
      });
    });
  }

  it('the database alerts say what is true of the service, in its words', () => {
    assert.match(stays.description('JobworkerRunnerDown'), /The dispatcher does not restart a job worker that died .* Check JobworkerDatabaseUnreachable first: a job worker that loses its database may die\. Restart the service/);
    assert.equal(
      stays.description('JobworkerDatabaseUnreachable'),
      'The TCP probe from {{ $labels.instance }} to its database has failed for 5m. A job worker that loses its database may die, ' +
        'and the dispatcher does not restart it; when the database is back, check JobworkerRunnerDown and restart the service if a job worker died.',
    );
    assert.match(restarts.description('JobworkerRunnerDown'), /The dispatcher starts a job worker that died again, .* Check JobworkerDatabaseUnreachable first: a job worker that loses its database may die\./);
    assert.match(restarts.description('JobworkerDatabaseUnreachable'), /A job worker that loses its database may die, and keep dying until it is back; when the database is back/);
    assert.match(stays.description('JobworkerWebUnavailable'), /Check the web server and the API workers \(JobworkerRunnerDown\)\./);
  });

  it('the database and web runbooks say what is true of the service, in its words', () => {
    const db = stays.files['runbooks/JobworkerDatabaseUnreachable.md'];
    assert.ok(db.includes('The TCP probe from the host (label _instance_, `probe="database"`) to the database it depends on fails. ' +
      'A job worker that loses its database may die, and the dispatcher does not restart it: it stays down until the service is restarted.'));
    assert.ok(db.includes('Are the job workers still alive?'));
    assert.ok(db.includes('`pg1001.example.org:5432`'));
    assert.ok(db.includes('(they do not come back on their own)'));
    const dbRestarts = restarts.files['runbooks/JobworkerDatabaseUnreachable.md'];
    assert.ok(dbRestarts.includes('A job worker that loses its database may die; the dispatcher starts it again, and it may keep dying until the database is back.'));
    assert.ok(dbRestarts.includes('(the dispatcher may hold back one that kept failing)'));
    assert.match(stays.files['runbooks/JobworkerRunnerDown.md'], /Check the database from the host: a job worker that loses its database may die/);
    const web = stays.files['runbooks/JobworkerWebUnavailable.md'];
    assert.ok(web.includes("failed over the window: the service's users cannot reach it."));
    assert.ok(web.includes("The web front end depends on the API workers: check the service's processes against the counts the host expects:"));
    assert.ok(web.includes('(web server, TLS certificate, the API workers, the database)'));
    assert.ok(web.includes("pgrep -a -u jobs -f '^/usr/bin/jobworker exec( |$)'"), 'the service\'s own processes to check');
  });
});
