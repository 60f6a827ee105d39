/**
 * alertmanager.yml: amtool (Debian 12's 0.25) accepts it and routes by
 * severity and list visibility as CONTRACT.md section 4 says; bad props fail
 * with the prop's name; nothing secret is written.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { INFO_RECEIVER, renderAlertmanager } from '../../lib/monitoring/alertmanager';
import type { AlertingProps } from '../../lib/monitoring/alerting-props';
import { exampleHostModel } from '../fixtures/host-model';
import { run } from '../helpers/run';

const AMTOOL = '/usr/bin/amtool';
const work = mkdtempSync(join(tmpdir(), 'listhost-am-'));
after(() => rmSync(work, { recursive: true, force: true }));

const HOSTS = [exampleHostModel(), exampleHostModel('lists2001.example.org', 'dc2', 'B')];

const ALERTING: AlertingProps = {
  pager: { name: 'oncall-pager', webhookUrl: 'https://pager.example.org/v1/alertmanager', webhookCredentialsFile: '/etc/alertmanager/secrets/pager-token' },
  tickets: { name: 'sre-tickets', email: 'sre-tickets@example.org' },
  listAdmins: { name: 'list-admins', email: 'listadmins@example.org' },
};

let files = 0;
function write(text: string): string {
  const file = join(work, `alertmanager-${files++}.yml`);
  writeFileSync(file, text);
  return file;
}

function checkConfig(file: string) {
  return run(AMTOOL, ['check-config', file]);
}

/** The receivers amtool routes a label set to, in its order. */
function routeTest(file: string, labels: Record<string, string>): string[] {
  const r = run(AMTOOL, ['config', 'routes', 'test', `--config.file=${file}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)]);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n')[0].split(',');
}

describe('alertmanager.yml for the example alerting props', () => {
  const text = renderAlertmanager(ALERTING, HOSTS);
  const file = write(text);

  it('passes amtool check-config', () => {
    const r = checkConfig(file);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /SUCCESS/);
    assert.match(r.stdout, /3 inhibit rules/);
  });

  it('a broken config fails amtool check-config (the check can fail)', () => {
    const broken = write(text.replace('  - name: oncall-pager\n', '  - name: someone-else\n'));
    assert.notEqual(broken, file);
    const r = checkConfig(broken);
    assert.notEqual(r.status, 0, r.stdout);
    assert.match(r.stdout + r.stderr, /oncall-pager/);
  });

  it('routes a critical runner alert to the pager', () => {
    assert.deepEqual(routeTest(file, { severity: 'critical', instance: 'lists1001.example.org', alertname: 'MailmanRunnerDown' }), ['oncall-pager']);
  });

  it('routes a warning to the ticket receiver', () => {
    assert.deepEqual(routeTest(file, { severity: 'warning', instance: 'lists1001.example.org', alertname: 'MailmanQueueLarge' }), ['sre-tickets']);
  });

  it('routes a list-visible critical alert to the list admins AND the pager', () => {
    const receivers = routeTest(file, { list_visible: 'true', severity: 'critical', instance: 'lists1001.example.org', alertname: 'MailmanQueueStalled' });
    assert.deepEqual([...receivers].sort(), ['list-admins', 'oncall-pager']);
  });

  it('routes a list-visible warning to the list admins and the tickets', () => {
    assert.deepEqual([...routeTest(file, { list_visible: 'true', severity: 'warning', alertname: 'MailmanWebUnavailable' })].sort(), ['list-admins', 'sre-tickets']);
  });

  it('sends info to the receiver that notifies nobody', () => {
    assert.deepEqual(routeTest(file, { severity: 'info', alertname: 'Something' }), [INFO_RECEIVER]);
    const doc = parse(text) as { receivers: { name: string; [k: string]: unknown }[] };
    assert.deepEqual(doc.receivers.find((r) => r.name === INFO_RECEIVER), { name: INFO_RECEIVER });
  });

  it('sends an alert without a known severity to the tickets rather than dropping it', () => {
    assert.deepEqual(routeTest(file, { alertname: 'Unlabelled' }), ['sre-tickets']);
    assert.deepEqual(routeTest(file, { severity: 'page', alertname: 'Odd' }), ['sre-tickets']);
  });

  it('groups by alertname and instance, and repeats pages more often than tickets', () => {
    const doc = parse(text) as { route: { group_by: string[]; repeat_interval: string; routes: { receiver: string; repeat_interval?: string }[] } };
    assert.deepEqual(doc.route.group_by, ['alertname', 'instance']);
    const seconds = (d: string) => Number(d.slice(0, -1)) * { s: 1, m: 60, h: 3600, d: 86400 }[d.slice(-1) as 's' | 'm' | 'h' | 'd'];
    const pager = doc.route.routes.find((r) => r.receiver === 'oncall-pager');
    const tickets = doc.route.routes.find((r) => r.receiver === 'sre-tickets');
    assert.ok(pager?.repeat_interval && tickets?.repeat_interval);
    assert.ok(seconds(pager.repeat_interval) < seconds(tickets.repeat_interval), `${pager.repeat_interval} vs ${tickets.repeat_interval}`);
  });

  it('keeps secrets in files: the token file path is there, with the webhook URL that holds none', () => {
    const doc = parse(text) as { receivers: { name: string; webhook_configs?: Record<string, unknown>[] }[] };
    const webhook = doc.receivers.find((r) => r.name === 'oncall-pager')?.webhook_configs?.[0];
    assert.deepEqual(webhook, {
      url: 'https://pager.example.org/v1/alertmanager',
      send_resolved: true,
      http_config: { authorization: { type: 'Bearer', credentials_file: '/etc/alertmanager/secrets/pager-token' } },
    });
  });

  it('takes the e-mail sender from the first host\'s domain, and a loopback smarthost needs no TLS', () => {
    const doc = parse(text) as { global: Record<string, unknown> };
    assert.deepEqual(doc.global, { smtp_smarthost: 'localhost:25', smtp_from: 'alertmanager@example.org', smtp_require_tls: false });
  });

  it('is the same bytes every time', () => {
    assert.equal(renderAlertmanager(ALERTING, HOSTS), text);
  });
});

describe('alertmanager.yml variants', () => {
  it('without list admins, a list-visible critical alert only pages', () => {
    const file = write(renderAlertmanager({ pager: ALERTING.pager, tickets: ALERTING.tickets }, HOSTS));
    assert.equal(checkConfig(file).status, 0);
    assert.deepEqual(routeTest(file, { list_visible: 'true', severity: 'critical', alertname: 'MailmanQueueStalled' }), ['oncall-pager']);
  });

  it('webhook-only receivers need no SMTP settings, and SMTP auth uses a password file', () => {
    const webhookOnly = renderAlertmanager({ pager: ALERTING.pager, tickets: { name: 'tickets', webhookUrl: 'https://tickets.example.org/hook' } }, []);
    assert.equal((parse(webhookOnly) as Record<string, unknown>).global, undefined);
    assert.equal(checkConfig(write(webhookOnly)).status, 0);
    const auth = renderAlertmanager(
      { ...ALERTING, smarthost: 'smtp.example.org:587', emailFrom: 'am@example.org', smtpAuthUsername: 'am', smtpAuthPasswordFile: '/etc/alertmanager/secrets/smtp' },
      HOSTS,
    );
    assert.equal(checkConfig(write(auth)).status, 0);
    assert.deepEqual((parse(auth) as { global: unknown }).global, {
      smtp_smarthost: 'smtp.example.org:587',
      smtp_from: 'am@example.org',
      smtp_require_tls: true,
      smtp_auth_username: 'am',
      smtp_auth_password_file: '/etc/alertmanager/secrets/smtp',
    });
  });

  it('url_file is what 0.26 reads, and Debian 12\'s amtool 0.25 rejects it: so webhookUrlFile needs alertmanagerVersion >= 0.26', () => {
    const version = run(AMTOOL, ['--version']);
    assert.match(version.stdout + version.stderr, /version 0\.25\./, 'the installed amtool changed: revisit DEFAULT_ALERTMANAGER_VERSION');
    const text = renderAlertmanager({ ...ALERTING, alertmanagerVersion: '0.26.0', pager: { name: 'oncall-pager', webhookUrlFile: '/etc/alertmanager/secrets/pager-url' } }, HOSTS);
    const doc = parse(text) as { receivers: { name: string; webhook_configs?: Record<string, unknown>[] }[] };
    assert.deepEqual(doc.receivers[0].webhook_configs, [{ url_file: '/etc/alertmanager/secrets/pager-url', send_resolved: true }]);
    const r = checkConfig(write(text));
    assert.notEqual(r.status, 0);
    assert.match(r.stdout + r.stderr, /url_file/);
  });
});

describe('bad alerting props fail with the name of the prop', () => {
  const p = ALERTING;
  const cases: { what: string; props: unknown; hosts?: unknown[]; prop: string; absent?: string }[] = [
    { what: 'missing pager', props: { tickets: p.tickets }, prop: 'monitoring.alerting.pager' },
    { what: 'missing tickets', props: { pager: p.pager }, prop: 'monitoring.alerting.tickets' },
    { what: 'receiver with neither webhook nor e-mail', props: { ...p, tickets: { name: 'sre-tickets' } }, prop: 'monitoring.alerting.tickets' },
    { what: 'relative webhook URL file', props: { ...p, pager: { name: 'oncall-pager', webhookUrlFile: 'secrets/pager-url' } }, prop: 'monitoring.alerting.pager.webhookUrlFile' },
    { what: 'webhook URL file on Alertmanager 0.25', props: { ...p, pager: { name: 'oncall-pager', webhookUrlFile: '/etc/am/pager-url' } }, prop: 'monitoring.alerting.pager.webhookUrlFile' },
    { what: 'both webhook URL and URL file', props: { ...p, alertmanagerVersion: '0.27', pager: { name: 'oncall-pager', webhookUrl: 'https://x.example.org/', webhookUrlFile: '/etc/am/u' } }, prop: 'monitoring.alerting.pager.webhookUrlFile' },
    { what: 'token in the webhook URL query', props: { ...p, pager: { name: 'oncall-pager', webhookUrl: 'https://x.example.org/hook?token=s3cr3t' } }, prop: 'monitoring.alerting.pager.webhookUrl', absent: 's3cr3t' },
    { what: 'password in the webhook URL', props: { ...p, pager: { name: 'oncall-pager', webhookUrl: 'https://bot:hunter2@x.example.org/hook' } }, prop: 'monitoring.alerting.pager.webhookUrl', absent: 'hunter2' },
    { what: 'webhook URL not http', props: { ...p, pager: { name: 'oncall-pager', webhookUrl: 'ftp://x.example.org/' } }, prop: 'monitoring.alerting.pager.webhookUrl' },
    { what: 'relative credentials file', props: { ...p, pager: { ...p.pager, webhookCredentialsFile: 'token' } }, prop: 'monitoring.alerting.pager.webhookCredentialsFile' },
    { what: 'credentials file without webhook', props: { ...p, tickets: { ...p.tickets, webhookCredentialsFile: '/etc/am/t' } }, prop: 'monitoring.alerting.tickets.webhookCredentialsFile' },
    { what: 'bad e-mail', props: { ...p, pager: { name: 'oncall-pager', email: 'oncall at example.org' } }, prop: 'monitoring.alerting.pager.email' },
    { what: 'two addresses as one e-mail', props: { ...p, listAdmins: { name: 'la', email: 'a@example.org,b@example.org' } }, prop: 'monitoring.alerting.listAdmins.email' },
    { what: 'duplicate receiver names', props: { ...p, tickets: { ...p.tickets, name: 'oncall-pager' } }, prop: 'monitoring.alerting.tickets.name' },
    { what: 'list admins named like the tickets', props: { ...p, listAdmins: { ...p.listAdmins, name: 'sre-tickets' } }, prop: 'monitoring.alerting.listAdmins.name' },
    { what: 'reserved receiver name', props: { ...p, pager: { ...p.pager, name: INFO_RECEIVER } }, prop: 'monitoring.alerting.pager.name' },
    { what: 'receiver name with spaces', props: { ...p, pager: { ...p.pager, name: 'on call' } }, prop: 'monitoring.alerting.pager.name' },
    { what: 'smarthost without port', props: { ...p, smarthost: 'smtp.example.org' }, prop: 'monitoring.alerting.smarthost' },
    { what: 'bad sender', props: { ...p, emailFrom: 'alertmanager' }, prop: 'monitoring.alerting.emailFrom' },
    { what: 'no sender and no host to take a domain from', props: p, hosts: [], prop: 'monitoring.alerting.emailFrom' },
    { what: 'SMTP user without password file', props: { ...p, smtpAuthUsername: 'am' }, prop: 'monitoring.alerting.smtpAuthPasswordFile' },
    { what: 'relative SMTP password file', props: { ...p, smtpAuthUsername: 'am', smtpAuthPasswordFile: 'pw' }, prop: 'monitoring.alerting.smtpAuthPasswordFile' },
    { what: 'unparsable Alertmanager version', props: { ...p, alertmanagerVersion: 'latest' }, prop: 'monitoring.alerting.alertmanagerVersion' },
  ];
  for (const c of cases) {
    it(c.what, () => {
      assert.throws(
        () => renderAlertmanager(c.props as AlertingProps, (c.hosts ?? HOSTS) as typeof HOSTS),
        (e: unknown) => {
          assert.ok(e instanceof Error);
          assert.ok(e.message.includes(`prop '${c.prop}'`), e.message);
          if (c.absent) assert.ok(!e.message.includes(c.absent), `the error repeats the secret: ${e.message}`);
          return true;
        },
      );
    });
  }
  it('the good props of the table render (each case fails only by its change)', () => {
    assert.ok(renderAlertmanager(p, HOSTS).length > 0);
  });
});
