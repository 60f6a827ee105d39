/**
 * The example of CONTRACT.md section 6: two Mailman 3.3.8 hosts in two
 * sites, each with its data volume and a restore volume of its own.
 */
import { App } from 'cdktf';
import { ListhostStack, MailingListHost, synthesize } from '../../lib';
import { LISTS_STACK_PROPS, listHostProps } from './fleet';

const app = new App();
const stack = new ListhostStack(app, 'lists', LISTS_STACK_PROPS);

const hosts = [
  { fqdn: 'lists1001.example.org', site: 'dc1', row: 'A', database: 'db1001.example.org' },
  { fqdn: 'lists2001.example.org', site: 'dc2', row: 'B', database: 'db2001.example.org' },
];

for (const host of hosts) {
  new MailingListHost(stack, host.fqdn.split('.')[0], listHostProps(host));
}

synthesize(app).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
