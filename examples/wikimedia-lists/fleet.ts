/**
 * The example's stack and host props (CONTRACT.md section 6), in one place
 * for main.ts, the tests (test/helpers/example-props.ts) and the benchmark
 * (bench/apps/listhost-app.ts), which declares many hosts of this shape.
 */
import type { ListhostStackProps, MailingListHostProps } from '../../lib';

export const LISTS_STACK_PROPS: ListhostStackProps = {
  monitoring: {
    runbookBaseUrl: 'https://runbooks.example.org/lists/',
    alerting: {
      pager: { name: 'oncall-pager', webhookUrl: 'https://pager.example.org/v1/alertmanager', webhookCredentialsFile: '/etc/alertmanager/secrets/pager-token' },
      tickets: { name: 'sre-tickets', email: 'sre-tickets@example.org' },
      listAdmins: { name: 'list-admins', email: 'listadmins@example.org' },
    },
  },
};

/** Where a host of the example fleet stands and which database it uses. */
export interface ListHostPlacement {
  readonly fqdn: string;
  readonly site: string;
  readonly row: string;
  readonly database: string;
}

/** A Mailman 3.3.8 host with a data volume and a restore volume of its own. */
export function listHostProps(host: ListHostPlacement): MailingListHostProps {
  return {
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
    database: { host: host.database, port: 3306 },
    webUrl: `https://${host.fqdn}/postorius/lists/`,
  };
}
