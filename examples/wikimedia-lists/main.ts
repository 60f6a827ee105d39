/**
 * The example of CONTRACT.md section 6: two Mailman 3.3.8 hosts in two
 * sites, each with its data volume and a restore volume of its own.
 */
import { App } from 'cdktf';
import { ListhostStack, MailingListHost, synthesize } from '../../lib';

const app = new App();
const stack = new ListhostStack(app, 'lists', {
  monitoring: {
    runbookBaseUrl: 'https://runbooks.example.org/lists/',
    alerting: {
      pager: { name: 'oncall-pager', webhookUrl: 'https://pager.example.org/v1/alertmanager', webhookCredentialsFile: '/etc/alertmanager/secrets/pager-token' },
      tickets: { name: 'sre-tickets', email: 'sre-tickets@example.org' },
      listAdmins: { name: 'list-admins', email: 'listadmins@example.org' },
    },
  },
});

const hosts = [
  { fqdn: 'lists1001.example.org', site: 'dc1', row: 'A', db: 'db1001.example.org' },
  { fqdn: 'lists2001.example.org', site: 'dc2', row: 'B', db: 'db2001.example.org' },
];

for (const host of hosts) {
  new MailingListHost(stack, host.fqdn.split('.')[0], {
    fqdn: host.fqdn,
    location: { site: host.site, row: host.row },
    platform: { os: 'debian', release: '12', agent: { name: 'puppet', version: '7' } },
    contacts: [{ name: 'list admins', email: 'listadmins@example.org' }],
    mailmanVersion: '3.3.8',
    restWorkers: 2,
    rootVolume: { mountpoint: '/', device: '/dev/vda1', size: '20GiB' },
    dataVolume: { mountpoint: '/srv/mailman3', device: '/dev/vdb1', size: '100GiB' },
    backup: {
      paths: ['/srv/mailman3', '/etc/mailman3'],
      expectedFiles: 1_000_000,
      restoreVolume: { mountpoint: '/srv/restore', device: '/dev/vdc', size: '100GiB' },
    },
    database: { host: host.db, port: 3306 },
    webUrl: `https://${host.fqdn}/postorius/lists/`,
  });
}

synthesize(app).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
