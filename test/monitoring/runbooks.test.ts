/**
 * Runbook pages: one per alert, written for the hosts' actual paths, units
 * and commands, and every runbook_url (base + name + '.md') has its page.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { HostModel } from '../../lib/model/types';
import { renderQueueCollector } from '../../lib/render/queue-collector';
import { renderSelfHeal, selfHealFiles } from '../../lib/render/self-heal';
import { renderRunbooks, type AlertSummary } from '../../lib/monitoring/runbooks';
import { hostClasses } from '../../lib/monitoring/runbooks/hosts';
import { ServiceHost } from '../../lib';
import { exampleHostModel } from '../fixtures/host-model';
import { hostBaseProps, newStack } from '../helpers/example-props';
import { run } from '../helpers/run';

const BASE = 'https://runbooks.example.org/lists/';
const HOSTS = [exampleHostModel(), exampleHostModel('lists2001.example.org', 'dc2', 'B')];

function alert(name: string, severity: string, expr: string, forDuration?: string): AlertSummary {
  return {
    alert: name,
    severity,
    summary: `${name} on {{ $labels.instance }}`,
    description: `What ${name} means, for {{ $labels.instance }} ({{ $value | humanize }}).`,
    expr,
    ...(forDuration ? { for: forDuration } : {}),
  };
}

/** One alert per content pattern, named as the mixin does or otherwise. */
const ALERTS: AlertSummary[] = [
  alert('MailmanRunnerDown', 'critical', 'namedprocess_namegroup_num_procs < 1', '2m'),
  alert('MailmanMasterDown', 'critical', 'x < 1', '2m'),
  alert('MailmanQueueStalled', 'critical', 'mailman_queue_oldest_message_age_seconds > 900', '2m'),
  alert('MailmanQueueGrowing', 'critical', 'max_over_time(mailman_queue_messages{queue=~"retry"}[15m]) >= 10', '10m'),
  alert('MailmanQueueOldMessages', 'warning', 'mailman_queue_oldest_message_age_seconds > 900', '10m'),
  alert('MailmanQueueLarge', 'warning', 'mailman_queue_messages > 1000', '1h'),
  alert('MailmanFailedMessagesQueued', 'warning', 'mailman_queue_messages{queue=~"shunt|bad"} > 0', '1m'),
  alert('MailmanQueueCollectorStale', 'warning', 'time() - mailman_queue_collector_last_success_timestamp_seconds > 600', '5m'),
  alert('FilesystemFilesBurst', 'critical', 'node_filesystem_files_free / node_filesystem_files < 0.5', '5m'),
  alert('FilesystemAlmostOutOfFiles', 'warning', 'node_filesystem_files_free / node_filesystem_files * 100 < 5', '1h'),
  alert('FilesystemAlmostOutOfFiles', 'critical', 'node_filesystem_files_free / node_filesystem_files * 100 < 3', '1h'),
  alert('FilesystemAlmostOutOfSpace', 'warning', 'node_filesystem_avail_bytes / node_filesystem_size_bytes * 100 < 5', '30m'),
  alert('MailmanWebUnavailable', 'critical', 'avg_over_time(probe_success{probe="web"}[15m]) < 0.75', '5m'),
  alert('MailmanDatabaseUnreachable', 'warning', 'probe_success{probe="database"} == 0', '5m'),
  alert('MailmanSelfHealRestarted', 'warning', 'increase(mailman_selfheal_restarts_total[1h]) > 0'),
  alert('HostDown', 'critical', 'max by (instance) (up{job=~"node|process|blackbox"}) == 0', '5m'),
  // Names no pattern knows: classified by expression, or generic.
  alert('ListsTextfileOld', 'warning', 'time() - mailman_queue_collector_last_success_timestamp_seconds > 600'),
  alert('SomethingElseEntirely', 'info', 'vector(1)'),
];

const pages = renderRunbooks(ALERTS, HOSTS, BASE);
const page = (name: string) => {
  const text = pages[`${name}.md`];
  assert.ok(text, `no page ${name}.md`);
  return text;
};
const span = (value: string) => `\`${value}\``;
/** A line of a fenced code block (indented under a list item). */
const blockLine = (text: string, line: string) => text.split('\n').some((l) => l.trim() === line);

describe('runbook pages for the example hosts', () => {
  it('has one page per alert name and no other', () => {
    assert.deepEqual(Object.keys(pages), [...new Set(ALERTS.map((a) => `${a.alert}.md`))].sort());
  });

  it('every page has the sections a responder needs', () => {
    for (const [file, text] of Object.entries(pages)) {
      for (const heading of ['## What it means', '## Why this alert exists', '## Expression', '## Where things are', '## Diagnosis', '## Fix', '## Verify']) {
        assert.ok(text.includes(`\n${heading}\n`), `${file} lacks ${heading}`);
      }
      assert.ok(text.startsWith(`# ${file.slice(0, -3)}\n`), file);
    }
  });

  it('the runner page names the processes to look for and the restart command', () => {
    const text = page('MailmanRunnerDown');
    for (const group of HOSTS[0].service.processGroups) {
      // The model's own pattern, single-quoted for the shell, byte for byte.
      assert.ok(blockLine(text, `pgrep -a -u ${group.user} -f '${group.pgrepPattern}'`), `pgrep of ${group.groupname}`);
    }
    assert.ok(text.includes('# runner out (mailman-runner-out): 1 expected'));
    assert.ok(text.includes('# runner rest (mailman-runner-rest): 3 expected'));
    assert.ok(blockLine(text, 'ps -u list -o pid,etime,args'));
    assert.ok(blockLine(text, 'systemctl restart mailman3.service'), 'restart command');
    assert.ok(blockLine(text, "watch -n 10 'ls /srv/mailman3/queue/out | wc -l'"), 'watch the out queue drain');
    assert.ok(blockLine(text, 'cat /var/lib/listhost/mailman-selfheal.state   # "<restarts> <last restart, Unix seconds>"'));
    assert.ok(text.includes(span("timeout 5 bash -c '</dev/tcp/db1001.example.org/3306' && echo reachable")));
    assert.match(text, /2023: the dead `out` runner/);
    assert.ok(text.includes('https://phabricator.wikimedia.org/T331626'));
  });

  it('says what all hosts agree on once', () => {
    const text = page('MailmanRunnerDown');
    assert.ok(!text.includes('\nOn `'), 'no per-host sections when the hosts agree');
    const fix = text.slice(text.indexOf('## Fix'), text.indexOf('## Verify'));
    assert.equal(fix.split('systemctl restart mailman3.service').length - 1, 1);
    assert.ok(text.includes(`| service unit | ${span('mailman3.service')} |`));
  });

  it('the queue pages name the queue directories and how to watch them drain', () => {
    const text = page('MailmanQueueStalled');
    for (const q of HOSTS[0].service.queues) assert.ok(text.includes(span(q.directory)), q.directory);
    assert.ok(blockLine(text, 'ls /srv/mailman3/queue/out | sort -n | head -n 5'));
    assert.ok(blockLine(text, "watch -n 10 'ls /srv/mailman3/queue/retry | wc -l'"));
    assert.match(page('MailmanFailedMessagesQueued'), /runuser -u list -- mailman -C \/etc\/mailman3\/mailman\.cfg unshunt/);
    assert.ok(page('MailmanFailedMessagesQueued').includes(span('/srv/mailman3/queue/shunt')));
  });

  it('the inode pages give df -i and the file count per directory for every filesystem, and the restore volume', () => {
    for (const name of ['FilesystemFilesBurst', 'FilesystemAlmostOutOfFiles']) {
      const text = page(name);
      assert.ok(blockLine(text, 'df -i /'), name);
      assert.ok(blockLine(text, 'df -i /srv/mailman3'), name);
      assert.ok(blockLine(text, 'find / -xdev -type f | cut -d/ -f2-3 | sort | uniq -c | sort -n | tail'), name);
      assert.ok(blockLine(text, 'find /srv/mailman3 -xdev -type f | cut -d/ -f2-5 | sort | uniq -c | sort -n | tail'), name);
      assert.ok(text.includes(`Restores go to the restore volume ${span('/srv/restore')}`), name);
      assert.match(text, /2014: inode exhaustion after a restore/);
    }
    assert.ok(blockLine(page('FilesystemAlmostOutOfSpace'), 'df -h /srv/mailman3'));
  });

  it('the self-heal, collector, database, web and host pages use the host\'s units, files and endpoints', () => {
    const selfHeal = page('MailmanSelfHealRestarted');
    assert.ok(blockLine(selfHeal, 'journalctl -u listhost-mailman-selfheal.service --since -6h'));
    assert.ok(blockLine(selfHeal, 'systemctl list-timers listhost-mailman-selfheal.timer'));
    const collector = page('MailmanQueueCollectorStale');
    assert.ok(blockLine(collector, '/usr/local/lib/listhost/mailman-queue-collector; echo "exit $?"'));
    assert.ok(blockLine(collector, 'cat /var/lib/prometheus/node-exporter/mailman_queues.prom'));
    assert.equal(page('ListsTextfileOld').split('## Diagnosis')[1], collector.split('## Diagnosis')[1], 'classified by its expression');
    const db = page('MailmanDatabaseUnreachable');
    assert.ok(db.includes(span('db1001.example.org:3306')));
    assert.ok(db.includes(span("curl -s 'http://lists2001.example.org:9115/probe?module=tcp_connect&target=db1001.example.org%3A3306&debug=true'")));
    const web = page('MailmanWebUnavailable');
    assert.ok(web.includes(span('https://lists2001.example.org/postorius/lists/')));
    const hostDown = page('HostDown');
    assert.ok(hostDown.includes(span('npx listhost inventory --site dc2 --row B')));
    assert.ok(hostDown.includes(span('ping -c 3 lists1001.example.org')));
    assert.ok(page('SomethingElseEntirely').includes('## Diagnosis'));
  });

  it('paths and units shown are the ones the renderers install', () => {
    const host = HOSTS[0];
    const [facts] = hostClasses([host]).map((c) => c.facts);
    const selfHeal = renderSelfHeal(host);
    assert.ok(selfHeal.includes(`'${facts.selfHeal.stateFile.split('/').pop()}'`), 'state file name');
    assert.ok(selfHeal.includes(`'${host.selfHeal.stateDirectory}'`), 'state directory');
    assert.ok(selfHeal.includes(`'${facts.selfHeal.textfile}'`), 'self-heal textfile');
    assert.ok(renderQueueCollector(host).includes(`'${facts.collector.textfile}'`), 'collector textfile');
    assert.deepEqual(
      selfHealFiles(host).map((f) => f.path),
      [facts.selfHeal.program, `/etc/systemd/system/${facts.selfHeal.service}`, `/etc/systemd/system/${facts.selfHeal.timer}`],
    );
  });

  it('is the same text every time, whatever order the hosts come in', () => {
    assert.deepEqual(renderRunbooks(ALERTS, [...HOSTS].reverse(), BASE), pages);
  });
});

describe('runbook pages when hosts differ', () => {
  const other: HostModel = (() => {
    const h = exampleHostModel('lists2001.example.org', 'dc2', 'B');
    return {
      ...h,
      volumes: h.volumes.map((v) => (v.name === 'data' ? { ...v, mountpoint: '/srv/lists' } : v)),
      service: {
        ...h.service,
        unit: 'mailman3-lists.service',
        restartCommand: ['systemctl', 'restart', 'mailman3-lists.service'],
        queues: h.service.queues.map((q) => ({ ...q, directory: q.directory.replace('/srv/mailman3/', '/srv/lists/') })),
      },
    };
  })();
  const differing = renderRunbooks(ALERTS, [HOSTS[0], other], BASE);

  it('lists each host\'s value in a small table', () => {
    const text = differing['MailmanRunnerDown.md'];
    assert.ok(text.includes('service unit differs between hosts:'), text);
    assert.ok(text.includes(`| ${span('lists1001.example.org')} | ${span('mailman3.service')} |`));
    assert.ok(text.includes(`| ${span('lists2001.example.org')} | ${span('mailman3-lists.service')} |`));
    assert.ok(text.includes(`| ${span('lists2001.example.org')} | ${span('/srv/lists')} |`));
    // What they agree on is still said once.
    assert.ok(text.includes(`| service configuration | ${span('/etc/mailman3/mailman.cfg')} |`));
  });

  it('gives each host its own commands where they differ', () => {
    const text = differing['MailmanRunnerDown.md'];
    const fix = text.slice(text.indexOf('## Fix'), text.indexOf('## Verify'));
    assert.ok(fix.includes(`On ${span('lists1001.example.org')}:`));
    assert.ok(fix.includes(`On ${span('lists2001.example.org')}:`));
    assert.ok(blockLine(fix, 'systemctl restart mailman3.service'));
    assert.ok(blockLine(fix, 'systemctl restart mailman3-lists.service'));
    assert.ok(blockLine(differing['MailmanQueueStalled.md'], "watch -n 10 'ls /srv/lists/queue/out | wc -l'"));
    assert.ok(blockLine(differing['FilesystemFilesBurst.md'], 'df -i /srv/lists'));
  });

  it('alike hosts, however many, are one class', () => {
    const many = Array.from({ length: 200 }, (_, i) => exampleHostModel(`lists${String(i).padStart(4, '0')}.example.org`, `dc${i % 4}`, 'A'));
    assert.equal(hostClasses(many).length, 1);
    assert.equal(hostClasses([HOSTS[0], other]).length, 2);
  });
});

describe('runbook links', () => {
  /** Every `runbook_url` maps to a page: strip the base, the rest is a file name. */
  function checkLinks(urls: readonly string[], files: Record<string, string>): string[] {
    return urls.filter((url) => !url.startsWith(BASE) || files[url.slice(BASE.length)] === undefined);
  }

  it('every runbook_url of the synthetic alerts has its page', () => {
    const urls = ALERTS.map((a) => `${BASE}${a.alert}.md`);
    assert.deepEqual(checkLinks(urls, pages), []);
    assert.deepEqual(checkLinks([`${BASE}NoSuchAlert.md`], pages), [`${BASE}NoSuchAlert.md`], 'the check can fail');
  });

  it('the growth page explains why the age alert misses a cycling queue and watches only the growth queues', () => {
    const text = page('MailmanQueueGrowing');
    assert.match(text, /never older than 15 minutes/);
    assert.match(text, /\[MailmanQueueStalled\]\(/);
    const retry = HOSTS[0].service.queues.find((q) => q.name === 'retry')!;
    assert.ok(text.includes(span(retry.directory)), 'names the retry directory');
    const out = HOSTS[0].service.queues.find((q) => q.name === 'out')!;
    assert.ok(!text.includes(span(out.directory)), 'the out queue does not page on growth');
  });

  it('every link between pages points at a page', () => {
    const linked = Object.values(pages).flatMap((text) => [...text.matchAll(/\]\((https:[^)]+)\)/g)].map((m) => m[1]));
    assert.ok(linked.length > 20, `only ${linked.length} links`);
    assert.deepEqual(checkLinks(linked.filter((u) => u.startsWith(BASE)), pages), []);
  });

  it('every runbook_url of the mixin\'s alerts (jsonnet CLI) has its page', () => {
    const r = run('/usr/bin/jsonnet', ['-J', 'lib/mixin', '--tla-code', `config={runbookBaseUrl: ${JSON.stringify(BASE)}}`, 'lib/mixin/render.jsonnet']);
    assert.equal(r.status, 0, r.stderr);
    const rules = (JSON.parse(r.stdout) as { 'rules.yml': { groups: { rules: Record<string, any>[] }[] } })['rules.yml'].groups.flatMap((g) => g.rules);
    const alerts = rules.filter((rule) => rule.alert !== undefined);
    assert.ok(alerts.length >= 10, `${alerts.length} alerts`);
    const summaries: AlertSummary[] = alerts.map((a) => ({
      alert: a.alert,
      severity: a.labels.severity,
      summary: a.annotations.summary,
      description: a.annotations.description,
      expr: a.expr,
      ...(a.for ? { for: a.for } : {}),
    }));
    const mixinPages = renderRunbooks(summaries, HOSTS, BASE);
    const urls = alerts.map((a) => a.annotations.runbook_url as string);
    assert.ok(urls.every((u) => typeof u === 'string'), 'every alert has a runbook_url');
    assert.deepEqual(checkLinks(urls, mixinPages), []);
  });
});

describe('bad input', () => {
  it('an alert name that cannot be a file name fails naming it', () => {
    assert.throws(() => renderRunbooks([alert('../Escape', 'critical', 'x')], HOSTS, BASE), /"\.\.\/Escape" is not CamelCase/);
    assert.throws(() => renderRunbooks([alert('lowerCase', 'critical', 'x')], HOSTS, BASE), /"lowerCase"/);
  });
  it('a base URL without a trailing slash fails', () => {
    assert.throws(() => renderRunbooks(ALERTS, HOSTS, 'https://runbooks.example.org/lists'), /must be a URL ending in "\/"/);
  });
});

describe('runbook pages for a stack of two services', () => {
  const relay = new ServiceHost(newStack(), 'relay1001', {
    ...hostBaseProps('relay1001.example.org'),
    database: undefined,
    dataVolume: { mountpoint: '/var/spool/postfix', device: '/dev/vdb1', size: '50GiB' },
    service: {
      kind: 'postfix', version: '3.7.11', metricPrefix: 'postfix', unit: 'postfix@-.service', configFile: '/etc/postfix/main.cf',
      processGroups: [{ groupname: 'postfix-qmgr', role: 'queue manager', cmdlineRegex: '^qmgr( |$)', user: 'postfix' }],
      queues: [{ name: 'deferred', directory: '/var/spool/postfix/deferred', pagesOnAge: true }],
      vocabulary: { worker: 'daemon' },
    },
  }).model;
  const pages = renderRunbooks(
    [alert('MailmanRunnerDown', 'critical', 'x < 1', '2m'), alert('PostfixRunnerDown', 'critical', 'x < 1', '2m'), alert('HostDown', 'critical', 'up == 0', '5m')],
    [...HOSTS, relay],
    BASE,
  );

  it("a service's alert is about its hosts only; a host alert about every host", () => {
    const postfix = pages['PostfixRunnerDown.md'];
    assert.ok(postfix.includes('relay1001.example.org') && postfix.includes('postfix-qmgr'));
    // (The 2023 story under "Why this alert exists" names lists1001 as history, not as a host to check.)
    assert.ok(!/lists\d001\.example\.org|mailman-|mailman3/.test(postfix), "no Mailman host, group or path on the relay page");
    const mailman = pages['MailmanRunnerDown.md'];
    assert.ok(mailman.includes('lists1001.example.org') && mailman.includes('mailman-runner-out'));
    assert.ok(!mailman.includes('relay1001') && !mailman.includes('postfix'), 'no relay on the Mailman page');
    for (const fqdn of ['lists1001.example.org', 'lists2001.example.org', 'relay1001.example.org']) assert.ok(pages['HostDown.md'].includes(fqdn), fqdn);
  });
});
