/**
 * Who hears about alerts. `critical` pages the pager receiver, `warning`
 * opens a ticket, and outages list members can see also tell the list
 * admins. Endpoints that carry secrets are given as files on the
 * Alertmanager host, never as values, so no secret is in the output.
 */

/** One Alertmanager receiver: a webhook, e-mail, or both. */
export interface ReceiverProps {
  /** Receiver name, e.g. `oncall-pager`. */
  readonly name: string;
  /**
   * Path, on the Alertmanager host, of a file holding the webhook URL
   * (webhook URLs usually embed a token).
   * @default - no webhook
   */
  readonly webhookUrlFile?: string;
  /**
   * Address to e-mail.
   * @default - no e-mail
   */
  readonly email?: string;
}

export interface AlertingProps {
  /** Receives `critical` alerts: pages a human. */
  readonly pager: ReceiverProps;
  /** Receives `warning` alerts: opens a ticket. */
  readonly tickets: ReceiverProps;
  /**
   * Also told about outages list members can see (alerts labelled `list_visible="true"`).
   * @default - none
   */
  readonly listAdmins?: ReceiverProps;
  /**
   * Smarthost for e-mail receivers (`host:port`).
   * @default 'localhost:25'
   */
  readonly smarthost?: string;
  /**
   * Sender address of e-mail notifications.
   * @default 'alertmanager@<first host's domain>'
   */
  readonly emailFrom?: string;
}

/** Monitoring settings of a stack. */
export interface MonitoringProps {
  /**
   * Base URL where `monitoring/runbooks/` is published; each alert's
   * `runbook_url` is this followed by `<AlertName>.md`.
   */
  readonly runbookBaseUrl: string;
  readonly alerting: AlertingProps;
}
