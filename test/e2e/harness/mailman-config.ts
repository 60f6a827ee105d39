/**
 * The mailman.cfg of a test Mailman: var_dir in the instance's temp dir,
 * SQLite, REST and LMTP on the given loopback ports, SMTP to the given
 * (closed) loopback port, the NullMTA, and `[runner.NAME] instances`
 * overrides (each a power of 2).
 */
import { MAILMAN_BIN_DIR } from './mailman-api';

/** The text of mailman.cfg for these paths, ports and runner settings. */
export function mailmanConfigText(o: {
  varDir: string;
  restPort: number;
  lmtpPort: number;
  smtpPort: number;
  restPass: string;
  workers: number;
  instances: Readonly<Record<string, number>>;
  extra?: string;
}): string {
  const lines = [
    '# written by test/e2e/harness/mailman.ts',
    '[mailman]',
    'layout: e2e',
    'site_owner: postmaster@example.org',
    '',
    '[paths.e2e]',
    `var_dir: ${o.varDir}`,
    // the default ($argv) would be /usr/bin, where Debian has no master/runner scripts
    `bin_dir: ${MAILMAN_BIN_DIR}`,
    '',
    '[database]',
    'class: mailman.database.sqlite.SQLiteDatabase',
    'url: sqlite:///$DATA_DIR/mailman.db',
    '',
    '[webservice]',
    'hostname: 127.0.0.1',
    `port: ${o.restPort}`,
    'admin_user: restadmin',
    `admin_pass: ${o.restPass}`,
    `workers: ${o.workers}`,
    '',
    '[mta]',
    // the postfix default runs /usr/sbin/postmap at `mailman start`, which is not installed
    'incoming: mailman.mta.null.NullMTA',
    'smtp_host: 127.0.0.1',
    `smtp_port: ${o.smtpPort}`,
    'lmtp_host: 127.0.0.1',
    `lmtp_port: ${o.lmtpPort}`,
    '',
  ];
  for (const [name, n] of Object.entries(o.instances)) {
    if (!Number.isInteger(n) || n < 1 || (n & (n - 1)) !== 0) {
      throw new Error(`instances.${name} must be a power of 2, got ${n}`);
    }
    lines.push(`[runner.${name}]`, `instances: ${n}`, '');
  }
  if (o.extra) lines.push(o.extra, '');
  return lines.join('\n');
}
