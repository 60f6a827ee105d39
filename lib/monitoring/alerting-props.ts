/**
 * Who hears about alerts. `critical` pages the pager receiver, `warning`
 * opens a ticket, and outages list members can see also tell the list
 * admins. Endpoints that carry secrets are given as files on the
 * Alertmanager host, never as values, so no secret is in the output.
 */

import { allKeys } from '../constructs/known-props';

/**
 * One Alertmanager receiver: a webhook, e-mail, or both (at least one).
 *
 * A webhook is either `webhookUrlFile` (the whole URL is secret; needs
 * Alertmanager 0.26 or later, see {@link AlertingProps.alertmanagerVersion})
 * or `webhookUrl` (a URL without secrets) with the token in
 * `webhookCredentialsFile`, which works with every supported version,
 * including Debian 12's Alertmanager 0.25.
 */
export interface ReceiverProps {
  /** Receiver name, e.g. `oncall-pager`; unique among the receivers. */
  readonly name: string;
  /**
   * Absolute path, on the Alertmanager host, of a file holding the webhook
   * URL (webhook URLs usually embed a token). Rendered as `url_file`, which
   * Alertmanager reads since 0.26; with an older `alertmanagerVersion` this
   * prop is refused: use `webhookUrl` with `webhookCredentialsFile` there.
   * @default - no webhook (unless `webhookUrl` is given)
   */
  readonly webhookUrlFile?: string;
  /**
   * Webhook URL, written into alertmanager.yml as is, so it must carry no
   * secret: no user or password in it and no query string. Put the token in
   * `webhookCredentialsFile`.
   * @default - no webhook (unless `webhookUrlFile` is given)
   */
  readonly webhookUrl?: string;
  /**
   * Absolute path, on the Alertmanager host, of a file holding the token
   * Alertmanager sends as `Authorization: Bearer <token>` to `webhookUrl`
   * or the URL in `webhookUrlFile`.
   * @default - no Authorization header
   */
  readonly webhookCredentialsFile?: string;
  /**
   * Address to e-mail.
   * @default - no e-mail
   */
  readonly email?: string;
  /**
   * Whether this receiver is also told when an alert resolves.
   * @default true
   */
  readonly sendResolved?: boolean;
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
  /**
   * Whether Alertmanager insists on STARTTLS with the smarthost.
   * @default - false when the smarthost is on loopback (`localhost`, `127.0.0.1`, `[::1]`), true otherwise
   */
  readonly smtpRequireTls?: boolean;
  /**
   * User name for SMTP authentication at the smarthost.
   * @default - no SMTP authentication
   */
  readonly smtpAuthUsername?: string;
  /**
   * Absolute path, on the Alertmanager host, of a file holding the SMTP
   * password of `smtpAuthUsername` (rendered as `smtp_auth_password_file`).
   * @default - no SMTP authentication
   */
  readonly smtpAuthPasswordFile?: string;
  /**
   * Version of the Alertmanager that reads the configuration (`major.minor`
   * or `major.minor.patch`). Decides which fields may be used: `url_file`
   * (`webhookUrlFile`) needs 0.26 or later.
   * @default '0.25.0' (Debian 12's prometheus-alertmanager, which the tests run)
   */
  readonly alertmanagerVersion?: string;
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

/** The keys of each interface above, checked by the compiler against it (constructs/known-props.ts). */
export const ALERTING_PROP_KEYS = {
  receiver: allKeys<ReceiverProps>()(['name', 'webhookUrlFile', 'webhookUrl', 'webhookCredentialsFile', 'email', 'sendResolved']),
  alerting: allKeys<AlertingProps>()(['pager', 'tickets', 'listAdmins', 'smarthost', 'emailFrom', 'smtpRequireTls', 'smtpAuthUsername', 'smtpAuthPasswordFile', 'alertmanagerVersion']),
  monitoring: allKeys<MonitoringProps>()(['runbookBaseUrl', 'alerting']),
} as const;
