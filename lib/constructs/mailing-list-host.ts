/**
 * A Mailman 3 mailing-list host. Its inode alerts, per-runner checks, queue
 * checks, restore volume and platform are not optional: props tune the
 * thresholds, nothing switches them off.
 */
import type { Construct } from 'constructs';
import { propErrors } from '../errors';
import type { ProcessGroupModel, QueueModel } from '../model/types';
import { checkKnownProps, PROP_KEYS } from './known-props';
import { MAILMAN_DEFAULTS, MAILMAN_PROP_KEYS, mailmanServiceDefinition, type MailmanProps } from './mailman-service';
import type { HostBaseProps } from './props';
import { checkPath } from './prop-checks';
import { ServiceHost } from './service-host';

export interface MailingListHostProps extends HostBaseProps, MailmanProps {
  /**
   * URL of the web front end (Postorius/HyperKitty), probed by blackbox_exporter.
   * @default - `https://<fqdn>/`
   */
  readonly webUrl?: string;
}

/** HostBaseProps, MailmanProps and webUrl: the keys of MailingListHostProps. */
const MAILING_LIST_HOST_KEYS: readonly string[] = [...PROP_KEYS.host, ...MAILMAN_PROP_KEYS, 'webUrl'];

export class MailingListHost extends ServiceHost {
  /** The Mailman version the runners and queues were derived from. */
  public readonly mailmanVersion: string;
  /** One process group per runner, then the master. */
  public readonly processGroups: readonly ProcessGroupModel[];
  public readonly queues: readonly QueueModel[];
  public readonly restWorkers: number;

  constructor(scope: Construct, id: string, props: MailingListHostProps) {
    const path = `${scope.node.path}/${id}`;
    if (props === undefined || props === null || typeof props !== 'object') {
      throw propErrors.required(path, 'props', 'the MailingListHost props');
    }
    checkKnownProps(path, '', props, MAILING_LIST_HOST_KEYS, 'MailingListHost');
    if (!props.dataVolume || typeof props.dataVolume !== 'object') {
      throw propErrors.required(path, 'dataVolume', '{ mountpoint, device, size }: Mailman keeps its data and queues there');
    }
    // Mailman's directories default to the data volume: check it before deriving them.
    const dataMountpoint = checkPath(path, 'dataVolume.mountpoint', props.dataVolume.mountpoint);
    if (dataMountpoint === '/') throw propErrors.invalid(path, 'dataVolume.mountpoint', dataMountpoint, 'a mount point other than "/"');
    const service = mailmanServiceDefinition(path, props, dataMountpoint);
    super(scope, id, { ...props, service, webUrl: props.webUrl ?? (typeof props.fqdn === 'string' ? `https://${props.fqdn}/` : undefined) });
    this.mailmanVersion = this.model.service.version;
    this.processGroups = this.model.service.processGroups;
    this.queues = this.model.service.queues;
    this.restWorkers = props.restWorkers ?? MAILMAN_DEFAULTS.restWorkers;
  }
}
