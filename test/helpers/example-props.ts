/** Props and stacks for construct tests. */
import { App, Testing } from 'cdktf';
import { ListhostStack, MailingListHost, type MailingListHostProps, type ListhostStackProps } from '../../lib';
import { LISTS_STACK_PROPS, listHostProps } from '../../examples/wikimedia-lists/fleet';

export const STACK_PROPS: ListhostStackProps = LISTS_STACK_PROPS;

export function hostProps(fqdn = 'lists1001.example.org', site = 'dc1', row = 'A'): MailingListHostProps {
  return listHostProps({ fqdn, site, row, database: fqdn.startsWith('lists1') ? 'db1001.example.org' : 'db2001.example.org' });
}

export function newStack(): ListhostStack {
  const app: App = Testing.app();
  return new ListhostStack(app, 'lists', STACK_PROPS);
}

export function newHost(props: MailingListHostProps = hostProps()): MailingListHost {
  return new MailingListHost(newStack(), 'host', props);
}
