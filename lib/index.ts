export * from './constructs/props';
export { ListhostStack, type ListhostStackProps } from './constructs/listhost-stack';
export { ServiceHost, type ServiceHostProps } from './constructs/service-host';
export { MailingListHost, type MailingListHostProps } from './constructs/mailing-list-host';
export { resolveMailmanService, MAILMAN_DEFAULTS, type MailmanProps, type RunnerProps } from './constructs/mailman-service';
export type { MonitoringProps, AlertingProps, ReceiverProps } from './monitoring/alerting-props';
export { synthesize } from './synth/synthesize';
export { ListhostPropError, ListhostSchemaError } from './errors';
export type * from './model/types';
