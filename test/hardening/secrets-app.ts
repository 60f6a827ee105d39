/**
 * An app for secrets.test.ts whose secrets are all references: the receiver
 * token, the webhook URL and the SMTP password are files under
 * LISTHOST_SECRETS_DIR (which the test fills with planted values), the ssh
 * key is the stack's Terraform variable. LISTHOST_SECRETS_VARIANT:
 *   url-file     Alertmanager 0.27 with the whole pager URL in a file
 *   credentials  Alertmanager 0.25, bearer tokens in files, SMTP auth, a Postfix relay host
 *   fuzzed       the credentials variant plus 24 hosts whose names, places and URLs are
 *                generated valid and whose contact names hostile, by the property tests'
 *                generators (fixed seed); hosts the library refuses are left out
 */
import { App } from 'cdktf';
import { join } from 'node:path';
import fc from 'fast-check';
import { ListhostStack, MailingListHost, ServiceHost, synthesize } from '../../lib';
import { ListhostPropError } from '../../lib/errors';
import { valueOf, VALID } from './fuzz/generators';

const dir = process.env.LISTHOST_SECRETS_DIR ?? '/etc/alertmanager/secrets';
const variant = process.env.LISTHOST_SECRETS_VARIANT === 'url-file' ? 'url-file' : process.env.LISTHOST_SECRETS_VARIANT === 'fuzzed' ? 'fuzzed' : 'credentials';

const app = new App();
const stack = new ListhostStack(app, 'lists', {
  monitoring: {
    runbookBaseUrl: 'https://runbooks.example.org/lists/',
    alerting:
      variant === 'url-file'
        ? {
            alertmanagerVersion: '0.27.0',
            pager: { name: 'oncall-pager', webhookUrlFile: join(dir, 'pager-url'), webhookCredentialsFile: join(dir, 'pager-token') },
            tickets: { name: 'sre-tickets', webhookUrlFile: join(dir, 'tickets-url') },
          }
        : {
            pager: { name: 'oncall-pager', webhookUrl: 'https://pager.example.org/v1/alertmanager', webhookCredentialsFile: join(dir, 'pager-token') },
            tickets: { name: 'sre-tickets', email: 'sre-tickets@example.org' },
            listAdmins: { name: 'list-admins', email: 'listadmins@example.org', webhookUrl: 'https://chat.example.org/hooks/lists', webhookCredentialsFile: join(dir, 'chat-token') },
            smarthost: 'smtp.example.org:587',
            smtpAuthUsername: 'alertmanager',
            smtpAuthPasswordFile: join(dir, 'smtp-password'),
          },
  },
});

const base = {
  platform: { os: 'debian', release: '12', agent: { name: 'puppet', version: '7' } },
  contacts: [{ name: 'list admins', email: 'listadmins@example.org' }],
  rootVolume: { mountpoint: '/', device: '/dev/vda1', size: '20GiB' },
  backup: { expectedFiles: 1_000_000, restoreVolume: { mountpoint: '/srv/restore', device: '/dev/vdc', size: '100GiB' } },
};
new MailingListHost(stack, 'lists1001', {
  ...base,
  fqdn: 'lists1001.example.org',
  location: { site: 'dc1', row: 'A' },
  dataVolume: { mountpoint: '/srv/mailman3', device: '/dev/vdb1', size: '100GiB' },
  database: { host: 'db1001.example.org', port: 5432 },
  webUrl: 'https://lists1001.example.org/postorius/lists/',
});
if (variant !== 'url-file') {
  new ServiceHost(stack, 'relay1001', {
    ...base,
    fqdn: 'relay1001.example.org',
    location: { site: 'dc1', row: 'B' },
    dataVolume: { mountpoint: '/var/spool/postfix', device: '/dev/vdb1', size: '50GiB' },
    service: {
      kind: 'postfix',
      version: '3.7.11',
      metricPrefix: 'postfix',
      unit: 'postfix@-.service',
      configFile: '/etc/postfix/main.cf',
      processGroups: [{ groupname: 'postfix-qmgr', role: 'queue manager', cmdlineRegex: '^qmgr( |$)', user: 'postfix' }],
      queues: [{ name: 'deferred', directory: '/var/spool/postfix/deferred', pagesOnAge: true }],
    },
  });
}

if (variant === 'fuzzed') {
  const generated = fc.sample(
    fc.record({ fqdn: VALID.fqdn, site: VALID.name, row: VALID.name, contact: valueOf('text'), email: VALID.email, path: VALID.url }),
    { seed: 8004, numRuns: 24 },
  );
  let accepted = 0;
  generated.forEach((g, i) => {
    try {
      new MailingListHost(stack, `fuzz${i}`, {
        ...base,
        fqdn: `h${i}.${g.fqdn}`,
        location: { site: g.site, row: g.row },
        contacts: [{ name: g.contact, email: g.email }],
        dataVolume: { mountpoint: '/srv/mailman3', device: '/dev/vdb1', size: '100GiB' },
        webUrl: g.path,
      });
      accepted++;
    } catch (error) {
      if (!(error instanceof ListhostPropError)) throw error;
    }
  });
  if (accepted < 5) throw new Error(`only ${accepted} of ${generated.length} generated hosts were accepted; the fuzzed variant scans too little`);
  process.stderr.write(`fuzzed hosts accepted: ${accepted} of ${generated.length}\n`);
}

synthesize(app).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
