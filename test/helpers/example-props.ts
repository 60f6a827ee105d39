/** Props and stacks for construct tests. */
import { App, Testing } from 'cdktf';
import { ListhostStack, MailingListHost, type MailingListHostProps, type ListhostStackProps } from '../../lib';

export const STACK_PROPS: ListhostStackProps = {
  monitoring: {
    runbookBaseUrl: 'https://runbooks.example.org/lists/',
    alerting: {
      pager: { name: 'oncall-pager', webhookUrl: 'https://pager.example.org/v1/alertmanager', webhookCredentialsFile: '/etc/alertmanager/secrets/pager-token' },
      tickets: { name: 'sre-tickets', email: 'sre-tickets@example.org' },
      listAdmins: { name: 'list-admins', email: 'listadmins@example.org' },
    },
  },
};

export function hostProps(fqdn = 'lists1001.example.org', site = 'dc1', row = 'A'): MailingListHostProps {
  return {
    fqdn,
    location: { site, row },
    platform: { os: 'debian', release: '12', agent: { name: 'puppet', version: '7' } },
    contacts: [{ name: 'list admins', email: 'listadmins@example.org' }],
    rootVolume: { mountpoint: '/', device: '/dev/vda1', size: '20GiB' },
    dataVolume: { mountpoint: '/srv/mailman3', device: '/dev/vdb1', size: '100GiB' },
    backup: {
      paths: ['/srv/mailman3', '/etc/mailman3'],
      expectedFiles: 1_000_000,
      restoreVolume: { mountpoint: '/srv/restore', device: '/dev/vdc', size: '100GiB' },
    },
    database: { host: fqdn.startsWith('lists1') ? 'db1001.example.org' : 'db2001.example.org', port: 3306 },
    webUrl: `https://${fqdn}/postorius/lists/`,
  };
}

export function newStack(): ListhostStack {
  const app: App = Testing.app();
  return new ListhostStack(app, 'lists', STACK_PROPS);
}

export function newHost(props: MailingListHostProps = hostProps()): MailingListHost {
  return new MailingListHost(newStack(), 'host', props);
}
