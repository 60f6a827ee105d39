/**
 * A host that runs one service with workers, queues and backups. Generic:
 * MailingListHost is one; a Postfix relay is another. Resolves its props to
 * the plain host model at construction (bad props fail here, naming the
 * prop) and provisions it with one `null_resource`.
 */
import { Construct } from 'constructs';
import { sharedServiceModel } from '../model/shared-service-models';
import type { HostModel } from '../model/types';
import { resolveServiceDefinition, type ServiceDefinitionProps } from './service-definition';
import { ListhostStack } from './listhost-stack';
import { checkKnownProps, PROP_KEYS } from './known-props';
import type { HostBaseProps } from './props';
import { resolveHost } from './resolve-host';

export interface ServiceHostProps extends HostBaseProps {
  /** The service: its process groups and queues. */
  readonly service: ServiceDefinitionProps;
  /**
   * URL of the service's web front end, probed by blackbox_exporter.
   * @default - none
   */
  readonly webUrl?: string;
}

/** HostBaseProps, service and webUrl: the keys of ServiceHostProps. */
const SERVICE_HOST_KEYS: readonly string[] = [...PROP_KEYS.host, 'service', 'webUrl'];

export class ServiceHost extends Construct {
  /** The resolved, plain host model: what every renderer and rule reads. */
  public readonly model: HostModel;
  public readonly fqdn: string;

  constructor(scope: Construct, id: string, props: ServiceHostProps) {
    super(scope, id);
    const stack = ListhostStack.of(this);
    // A subclass (MailingListHost) checks its own props, which add to these.
    if (new.target === ServiceHost) checkKnownProps(this.node.path, '', props, SERVICE_HOST_KEYS, 'ServiceHost');
    const service = sharedServiceModel(resolveServiceDefinition(this.node.path, props.service));
    this.model = resolveHost(this.node.path, props, service, props.webUrl ?? null);
    this.fqdn = this.model.fqdn;
    stack.registerHost(this);
  }
}
