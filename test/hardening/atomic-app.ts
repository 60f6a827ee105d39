/**
 * The app atomic-synth.test.ts kills mid-synth. LISTHOST_APP_VERSION=A or B:
 * B differs from A in every stack (runbook URL, receivers, host set and
 * sizes). LISTHOST_APP_HOSTS hosts per stack (default 40), 3 stacks.
 * Output goes to CDKTF_OUTDIR, as under `cdktf synth`.
 */
import { App } from 'cdktf';
import { ListhostStack, MailingListHost, synthesize } from '../../lib';

const version = process.env.LISTHOST_APP_VERSION === 'B' ? 'B' : 'A';
const perStack = Number(process.env.LISTHOST_APP_HOSTS ?? '40');

const app = new App();
for (const [s, name] of ['east', 'west', 'north'].entries()) {
  const stack = new ListhostStack(app, name, {
    monitoring: {
      runbookBaseUrl: `https://runbooks.example.org/${version.toLowerCase()}/${name}/`,
      alerting: {
        pager: { name: `pager-${version}`, webhookUrl: 'https://pager.example.org/v1/alertmanager', webhookCredentialsFile: '/etc/alertmanager/secrets/pager-token' },
        tickets: { name: `tickets-${version}`, email: 'sre-tickets@example.org' },
      },
    },
  });
  const count = version === 'A' ? perStack : perStack + 3;
  for (let i = 0; i < count; i++) {
    const fqdn = `lists${s + 1}${String(i).padStart(3, '0')}${version === 'B' ? 'b' : ''}.${name}.example.org`;
    new MailingListHost(stack, `h${i}`, {
      fqdn,
      location: { site: `dc${s + 1}`, row: String.fromCharCode(65 + (i % 4)) },
      platform: { os: 'debian', release: '12', agent: { name: 'puppet', version: '7' } },
      contacts: [{ name: 'list admins', email: 'listadmins@example.org' }],
      mailmanVersion: '3.3.8',
      restWorkers: version === 'A' ? 2 : 3,
      rootVolume: { mountpoint: '/', device: '/dev/vda1', size: '20GiB' },
      dataVolume: { mountpoint: '/srv/mailman3', device: '/dev/vdb1', size: version === 'A' ? '100GiB' : '200GiB' },
      backup: {
        paths: ['/srv/mailman3', '/etc/mailman3'],
        expectedFiles: 1_000_000,
        restoreVolume: { mountpoint: '/srv/restore', device: '/dev/vdc', size: '100GiB' },
      },
      database: { host: `db${s + 1}001.example.org`, port: 3306 },
      webUrl: `https://${fqdn}/postorius/lists/`,
    });
  }
}

synthesize(app).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
