/**
 * alertmanager.yml: who hears about which alert, and which alerts a bigger
 * outage on the same host silences.
 *
 * Routing (CONTRACT.md section 4):
 * - `list_visible="true"` also goes to the list admins (first route, with
 *   `continue: true`, so the severity routes below still see the alert);
 * - `critical` pages; it repeats every hour while it fires: the 2023 runner
 *   alert fired once and nobody looked for two days;
 * - `warning` opens a ticket, repeated daily;
 * - `info` goes to a receiver without integrations (see INFO_RECEIVER);
 * - anything else (no or an unknown severity) falls to the root, the ticket
 *   receiver, so a mislabelled alert is seen rather than dropped.
 *
 * Secrets never appear in the output: webhook URLs come from `url_file`
 * (Alertmanager 0.26 and later) or are given without secrets, tokens and
 * SMTP passwords from files on the Alertmanager host.
 */
import { stringify } from 'yaml';
import { propErrors } from '../errors';
import type { HostModel } from '../model/types';
import { generatedHeader } from '../render/shell';
import { ALERTING_PROP_KEYS, type AlertingProps, type ReceiverProps } from './alerting-props';
import { checkKnownProps } from '../constructs/known-props';
import { isPlainText, isStrictUrl } from '../constructs/prop-checks';

const CONSTRUCT = 'ListhostStack';
/**
 * Shown instead of a refused value that may be the secret itself (a token
 * pasted where its file's path belongs): error messages end up in CI logs.
 */
const WITHHELD = '<withheld: it may hold a secret>';
const PROP = 'monitoring.alerting';

/**
 * Receiver of `info` alerts: no integrations. They stay visible in
 * Alertmanager's UI and API and in Prometheus' ALERTS, and still act as
 * inhibition sources, but notify nobody: a ticket per informational alert is
 * the noise that made people tune out the alerts in 2023.
 */
export const INFO_RECEIVER = 'listhost-info-discard';

/** The alert that says a host is unreachable; it silences everything else on that host. */
export const HOST_DOWN_ALERT = 'HostDown';

/** Grouping: one notification per alert name and host (all dead runners of a host together). */
export const GROUP_BY = ['alertname', 'instance'] as const;

/**
 * Labels a critical alert must share with a warning to silence it. Beyond
 * alertname and instance, the labels that tell one queue, filesystem,
 * process group or probe from another: a critical `out` queue must not hide
 * a warning about `retry`. A label both alerts lack counts as equal.
 */
export const SEVERITY_INHIBIT_EQUAL = ['alertname', 'instance', 'groupname', 'queue', 'mountpoint', 'probe'] as const;

export const DEFAULT_SMARTHOST = 'localhost:25';
export const DEFAULT_ALERTMANAGER_VERSION = '0.25.0';

/** Timings: root (and tickets) vs. critical pages. */
const TIMING = {
  root: { group_wait: '30s', group_interval: '5m', repeat_interval: '12h' },
  critical: { group_wait: '10s', group_interval: '2m', repeat_interval: '1h' },
  warning: { repeat_interval: '24h' },
  listAdmins: { repeat_interval: '12h' },
} as const;

const RECEIVER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const DOMAIN = new RegExp(`^${LABEL}(?:\\.${LABEL})+$`);
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const SMARTHOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):([0-9]{1,5})$/;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * One address, RFC 5322 dot-atom. Alertmanager expands templates in an
 * e-mail's `to` and `from`, so `{{` and `}}` are refused: `{{.Status}}@x.org`
 * is a valid dot-atom that Alertmanager would send to `firing@x.org`.
 */
export function isEmailAddress(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 254 || value.includes('{{') || value.includes('}}')) return false;
  const at = value.lastIndexOf('@');
  if (at <= 0) return false;
  return LOCAL_PART.test(value.slice(0, at)) && DOMAIN.test(value.slice(at + 1));
}

/** An absolute path on one line, without `..`, control characters or unpaired surrogates (written into YAML exactly as given). */
function isAbsolutePath(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('/') && value.length <= 4095 && isPlainText(value) && !/(^|\/)\.\.(\/|$)/.test(value);
}

function parseVersion(value: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/.exec(value);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

function atLeast(version: [number, number, number], major: number, minor: number): boolean {
  return version[0] > major || (version[0] === major && version[1] >= minor);
}

interface CheckedAlerting {
  readonly receivers: readonly { readonly role: 'pager' | 'tickets' | 'listAdmins'; readonly props: ReceiverProps }[];
  readonly version: [number, number, number];
}

function checkReceiver(construct: string, prop: string, r: ReceiverProps, version: [number, number, number]): void {
  if (typeof r !== 'object' || r === null) throw propErrors.invalid(construct, prop, r, 'a receiver { name, webhookUrl | webhookUrlFile | email }');
  checkKnownProps(construct, prop, r, ALERTING_PROP_KEYS.receiver, 'a receiver');
  if (typeof r.name !== 'string' || !RECEIVER_NAME.test(r.name)) {
    throw propErrors.invalid(construct, `${prop}.name`, r.name, 'a receiver name of letters, digits, ".", "_" and "-" (at most 63), e.g. "oncall-pager"');
  }
  if (r.webhookUrlFile === undefined && r.webhookUrl === undefined && r.email === undefined) {
    throw propErrors.required(construct, prop, 'at least one of webhookUrl (with webhookCredentialsFile), webhookUrlFile or email');
  }
  if (r.webhookUrlFile !== undefined && r.webhookUrl !== undefined) {
    throw propErrors.conflict(construct, `${prop}.webhookUrlFile`, r.webhookUrlFile, `conflicts with ${prop}.webhookUrl: give one of the two`);
  }
  if (r.webhookUrlFile !== undefined) {
    if (!isAbsolutePath(r.webhookUrlFile)) {
      throw propErrors.invalid(construct, `${prop}.webhookUrlFile`, WITHHELD, 'an absolute path on the Alertmanager host, e.g. "/etc/alertmanager/secrets/pager-webhook-url"');
    }
    if (!atLeast(version, 0, 26)) {
      throw propErrors.conflict(
        construct,
        `${prop}.webhookUrlFile`,
        r.webhookUrlFile,
        `needs Alertmanager 0.26 or later (url_file), but ${PROP}.alertmanagerVersion is ${version.join('.')}; ` +
          `give ${prop}.webhookUrl (without the secret) and ${prop}.webhookCredentialsFile (the token) instead, ` +
          `or set ${PROP}.alertmanagerVersion to the version you run`,
      );
    }
  }
  if (r.webhookUrl !== undefined) checkWebhookUrl(construct, `${prop}.webhookUrl`, r.webhookUrl);
  if (r.webhookCredentialsFile !== undefined) {
    if (!isAbsolutePath(r.webhookCredentialsFile)) {
      throw propErrors.invalid(construct, `${prop}.webhookCredentialsFile`, WITHHELD, 'an absolute path on the Alertmanager host of a file holding the bearer token');
    }
    if (r.webhookUrl === undefined && r.webhookUrlFile === undefined) {
      throw propErrors.conflict(construct, `${prop}.webhookCredentialsFile`, r.webhookCredentialsFile, `has no webhook to authenticate: give ${prop}.webhookUrl too`);
    }
  }
  if (r.email !== undefined && !isEmailAddress(r.email)) {
    throw propErrors.invalid(construct, `${prop}.email`, r.email, 'one e-mail address, e.g. "oncall@example.org"');
  }
  if (r.sendResolved !== undefined && typeof r.sendResolved !== 'boolean') {
    throw propErrors.invalid(construct, `${prop}.sendResolved`, r.sendResolved, 'true or false');
  }
}

function checkWebhookUrl(construct: string, prop: string, value: unknown): void {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw propErrors.invalid(construct, prop, WITHHELD, 'an http(s) URL');
  }
  if (typeof value !== 'string' || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw propErrors.invalid(construct, prop, WITHHELD, 'an http(s) URL');
  }
  // WHATWG URL parsing drops tabs and newlines and encodes what Go's url.Parse refuses;
  // the value is written as given, so it must be a URL as written.
  if (!isStrictUrl(value)) {
    // Withheld: a webhook URL may carry its token in the path (Slack's do), and errors reach CI logs.
    throw propErrors.invalid(
      construct,
      prop,
      WITHHELD,
      'an http(s) URL of letters, digits and -._~:/?#[]@!$&()*+,;= (RFC 3986), anything else percent-encoded as %XX, at most 2048 characters',
    );
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw propErrors.invalid(
      construct,
      prop,
      WITHHELD,
      'a URL without user, password, query string or fragment, which is written into alertmanager.yml as is; put the token in webhookCredentialsFile or the whole URL in webhookUrlFile',
    );
  }
}

/**
 * Checks every prop and throws an error naming the first bad one;
 * `construct` is where they were given (`ListhostStack <id>`).
 */
export function checkAlertingProps(alerting: AlertingProps, construct: string = CONSTRUCT): CheckedAlerting {
  if (typeof alerting !== 'object' || alerting === null) throw propErrors.required(construct, PROP, '{ pager, tickets }');
  checkKnownProps(construct, PROP, alerting, ALERTING_PROP_KEYS.alerting, 'alerting');
  const versionText = alerting.alertmanagerVersion ?? DEFAULT_ALERTMANAGER_VERSION;
  const version = typeof versionText === 'string' ? parseVersion(versionText) : undefined;
  if (!version) throw propErrors.invalid(construct, `${PROP}.alertmanagerVersion`, versionText, 'a version like "0.25.0"');
  if (!alerting.pager) throw propErrors.required(construct, `${PROP}.pager`, 'the receiver that pages a human for critical alerts');
  if (!alerting.tickets) throw propErrors.required(construct, `${PROP}.tickets`, 'the receiver that opens a ticket for warnings');
  const receivers: { role: 'pager' | 'tickets' | 'listAdmins'; props: ReceiverProps }[] = [
    { role: 'pager', props: alerting.pager },
    { role: 'tickets', props: alerting.tickets },
  ];
  if (alerting.listAdmins !== undefined) receivers.push({ role: 'listAdmins', props: alerting.listAdmins });
  const seen = new Set<string>([INFO_RECEIVER]);
  for (const { role, props } of receivers) {
    checkReceiver(construct, `${PROP}.${role}`, props, version);
    if (seen.has(props.name)) {
      throw propErrors.conflict(construct, `${PROP}.${role}.name`, props.name, `is already the name of another receiver; give each receiver its own name (${INFO_RECEIVER} is reserved)`);
    }
    seen.add(props.name);
  }
  if (alerting.smarthost !== undefined) {
    const m = typeof alerting.smarthost === 'string' ? SMARTHOST.exec(alerting.smarthost) : null;
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) {
      throw propErrors.invalid(construct, `${PROP}.smarthost`, alerting.smarthost, 'host:port, e.g. "smtp.example.org:587"');
    }
  }
  if (alerting.emailFrom !== undefined && !isEmailAddress(alerting.emailFrom)) {
    throw propErrors.invalid(construct, `${PROP}.emailFrom`, alerting.emailFrom, 'one e-mail address, e.g. "alertmanager@example.org"');
  }
  if (alerting.smtpRequireTls !== undefined && typeof alerting.smtpRequireTls !== 'boolean') {
    throw propErrors.invalid(construct, `${PROP}.smtpRequireTls`, alerting.smtpRequireTls, 'true or false');
  }
  if ((alerting.smtpAuthUsername === undefined) !== (alerting.smtpAuthPasswordFile === undefined)) {
    const missing = alerting.smtpAuthUsername === undefined ? 'smtpAuthUsername' : 'smtpAuthPasswordFile';
    throw propErrors.required(construct, `${PROP}.${missing}`, 'both smtpAuthUsername and smtpAuthPasswordFile, or neither');
  }
  if (alerting.smtpAuthUsername !== undefined && (typeof alerting.smtpAuthUsername !== 'string' || alerting.smtpAuthUsername === '' || !isPlainText(alerting.smtpAuthUsername))) {
    throw propErrors.invalid(construct, `${PROP}.smtpAuthUsername`, alerting.smtpAuthUsername, 'a non-empty user name on one line, without control characters or unpaired surrogates');
  }
  if (alerting.smtpAuthPasswordFile !== undefined && !isAbsolutePath(alerting.smtpAuthPasswordFile)) {
    throw propErrors.invalid(construct, `${PROP}.smtpAuthPasswordFile`, WITHHELD, 'an absolute path on the Alertmanager host of a file holding the SMTP password');
  }
  return { receivers, version };
}

function defaultEmailFrom(hosts: readonly HostModel[]): string {
  const first = hosts[0];
  if (!first) throw propErrors.required(CONSTRUCT, `${PROP}.emailFrom`, 'the sender address of alert e-mails (there is no host to take a domain from)');
  const dot = first.fqdn.indexOf('.');
  return `alertmanager@${dot < 0 ? first.fqdn : first.fqdn.slice(dot + 1)}`;
}

function smtpGlobal(alerting: AlertingProps, hosts: readonly HostModel[]): Record<string, unknown> {
  const smarthost = alerting.smarthost ?? DEFAULT_SMARTHOST;
  const from = alerting.emailFrom ?? defaultEmailFrom(hosts);
  if (!isEmailAddress(from)) throw propErrors.invalid(CONSTRUCT, `${PROP}.emailFrom`, from, 'one e-mail address (the default from the first host\'s domain is not one; give emailFrom)');
  const host = smarthost.slice(0, smarthost.lastIndexOf(':'));
  const global: Record<string, unknown> = {
    smtp_smarthost: smarthost,
    smtp_from: from,
    smtp_require_tls: alerting.smtpRequireTls ?? !LOOPBACK.has(host),
  };
  if (alerting.smtpAuthUsername !== undefined) {
    global.smtp_auth_username = alerting.smtpAuthUsername;
    global.smtp_auth_password_file = alerting.smtpAuthPasswordFile;
  }
  return global;
}

function receiverConfig(r: ReceiverProps): Record<string, unknown> {
  const sendResolved = r.sendResolved ?? true;
  const out: Record<string, unknown> = { name: r.name };
  if (r.webhookUrl !== undefined || r.webhookUrlFile !== undefined) {
    const webhook: Record<string, unknown> = r.webhookUrlFile !== undefined ? { url_file: r.webhookUrlFile } : { url: r.webhookUrl };
    webhook.send_resolved = sendResolved;
    if (r.webhookCredentialsFile !== undefined) {
      webhook.http_config = { authorization: { type: 'Bearer', credentials_file: r.webhookCredentialsFile } };
    }
    out.webhook_configs = [webhook];
  }
  if (r.email !== undefined) out.email_configs = [{ to: r.email, send_resolved: sendResolved }];
  return out;
}

function routeTree(alerting: AlertingProps): Record<string, unknown> {
  const routes: Record<string, unknown>[] = [];
  if (alerting.listAdmins) {
    routes.push({ receiver: alerting.listAdmins.name, matchers: ['list_visible="true"'], continue: true, ...TIMING.listAdmins });
  }
  routes.push(
    { receiver: alerting.pager.name, matchers: ['severity="critical"'], ...TIMING.critical },
    { receiver: alerting.tickets.name, matchers: ['severity="warning"'], ...TIMING.warning },
    { receiver: INFO_RECEIVER, matchers: ['severity="info"'] },
  );
  return { receiver: alerting.tickets.name, group_by: [...GROUP_BY], ...TIMING.root, routes };
}

/**
 * Inhibitions, each on the same `instance` only:
 * - a dead master (`*MasterDown`) explains its dead runners (`*RunnerDown`);
 * - an unreachable host (`HostDown`) explains every other alert on it;
 * - a critical alert silences the warning of the same alert on the same
 *   queue, filesystem, process group or probe.
 */
export function inhibitRules(): Record<string, unknown>[] {
  return [
    { source_matchers: ['alertname=~".*MasterDown"'], target_matchers: ['alertname=~".*RunnerDown"'], equal: ['instance'] },
    { source_matchers: [`alertname="${HOST_DOWN_ALERT}"`], target_matchers: [`alertname!="${HOST_DOWN_ALERT}"`], equal: ['instance'] },
    { source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: [...SEVERITY_INHIBIT_EQUAL] },
  ];
}

/** alertmanager.yml for the stack's hosts. Throws an error naming the prop when one cannot be used. */
export function renderAlertmanager(alerting: AlertingProps, hosts: readonly HostModel[]): string {
  const checked = checkAlertingProps(alerting);
  const props = checked.receivers.map((r) => r.props);
  const doc: Record<string, unknown> = {};
  if (props.some((r) => r.email !== undefined)) doc.global = smtpGlobal(alerting, hosts);
  doc.route = routeTree(alerting);
  doc.inhibit_rules = inhibitRules();
  doc.receivers = [...props.map(receiverConfig), { name: INFO_RECEIVER }];
  return generatedHeader('#', 'Alertmanager configuration: routes, receivers, inhibitions') + stringify(doc, { lineWidth: 0 });
}
