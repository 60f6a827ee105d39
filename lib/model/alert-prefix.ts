/**
 * The alert-name prefix of a service: its metric prefix in CamelCase.
 * Alerts of a service are `<prefix><Concern>` (`MailmanRunnerDown`), which
 * is how the runbooks tell which hosts an alert is about.
 */

/** `mailman` -> `Mailman`, `postfix_relay` -> `PostfixRelay`. */
export function alertPrefixOf(metricPrefix: string): string {
  return metricPrefix
    .split('_')
    .filter((p) => p !== '')
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('');
}
