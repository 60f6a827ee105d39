/** Props and stacks for construct tests. */
import { App, Testing } from 'cdktf';
import { ListhostStack, MailingListHost, type HostBaseProps, type MailingListHostProps, type ListhostStackProps } from '../../lib';
import { LISTS_STACK_PROPS, listHostProps } from '../../examples/wikimedia-lists/fleet';
import { PROP_KEYS } from '../../lib/constructs/known-props';

export const STACK_PROPS: ListhostStackProps = LISTS_STACK_PROPS;

export function hostProps(fqdn = 'lists1001.example.org', site = 'dc1', row = 'A'): MailingListHostProps {
  return listHostProps({ fqdn, site, row, database: fqdn.startsWith('lists1') ? 'db1001.example.org' : 'db2001.example.org' });
}

/** hostProps() without the Mailman props: the generic part a ServiceHost of another service shares with the example. */
export function hostBaseProps(fqdn = 'lists1001.example.org', site = 'dc1', row = 'A'): HostBaseProps {
  const props = hostProps(fqdn, site, row);
  return Object.fromEntries(PROP_KEYS.host.map((key) => [key, props[key as keyof HostBaseProps]])) as unknown as HostBaseProps;
}

export function newStack(): ListhostStack {
  const app: App = Testing.app();
  return new ListhostStack(app, 'lists', STACK_PROPS);
}

export function newHost(props: MailingListHostProps = hostProps()): MailingListHost {
  return new MailingListHost(newStack(), 'host', props);
}
