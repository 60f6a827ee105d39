/**
 * A real Mailman 3 (Debian 12's mailman3 3.3.8) for end-to-end tests.
 *
 * `startMailman()` writes a mailman.cfg into a fresh temp dir (var_dir in that
 * dir, SQLite, REST and LMTP on free loopback ports, SMTP to a closed
 * loopback port so every delivery fails temporarily), chowns it to `list`,
 * starts `runuser -u list -- mailman -C CFG start [--force]` and waits,
 * bounded, until the master and every runner process are up and have logged
 * "<name> runner started.".
 *
 * Everything is tracked and stopped by PID (with the PID's start time, so a
 * reused PID is never signalled): the master's PID comes from the pid file,
 * runner PIDs from walking the master's process tree in /proc. See FACTS.md
 * for what was verified against the real thing.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import { canConnect, freePort } from './proc';
import { acquireHostLock } from './lock';
import { MAILMAN_BIN, MAILMAN_BIN_DIR, MAILMAN_USER, MailmanInstance, MailmanOptions } from './mailman-api';
import { mailmanConfigText } from './mailman-config';
import { Instance, killAtExitUnlessStopped } from './mailman-instance';

export {
  DEBIAN_PATH,
  MAILMAN_BIN,
  MAILMAN_BIN_DIR,
  MAILMAN_DEFAULT_RUNNERS,
  MAILMAN_QUEUES,
  MAILMAN_USER,
  QUEUE_FILE_RE,
} from './mailman-api';
export type { InjectOptions, MailmanInstance, MailmanOptions, MailmanProcess } from './mailman-api';

/** Why the e2e tests cannot run here, or undefined when they can. */
export function mailmanUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'needs Linux /proc';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'needs root (runuser -u list)';
  if (!fs.existsSync(MAILMAN_BIN) || !fs.existsSync(path.join(MAILMAN_BIN_DIR, 'runner'))) {
    return 'Debian package mailman3 is not installed';
  }
  return undefined;
}

function listIds(): { uid: number; gid: number } {
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${MAILMAN_USER}:`));
  if (!line) throw new Error(`user ${MAILMAN_USER} not found in /etc/passwd (is mailman3 installed?)`);
  const f = line.split(':');
  return { uid: Number(f[2]), gid: Number(f[3]) };
}

function chownR(p: string, uid: number, gid: number): void {
  fs.chownSync(p, uid, gid);
  if (fs.statSync(p).isDirectory()) {
    for (const e of fs.readdirSync(p)) chownR(path.join(p, e), uid, gid);
  }
}

/** Starts a private Mailman 3 as user `list`; call `stop()` on the result (in `after`/finally). */
export async function startMailman(opts: MailmanOptions = {}): Promise<MailmanInstance> {
  const why = mailmanUnavailable();
  if (why) throw new Error(`cannot start Mailman: ${why}`);
  const ids = listIds();
  const smtpPort = opts.smtpPort ?? 1;
  if (await canConnect(smtpPort)) throw new Error(`smtp_port ${smtpPort} is open on 127.0.0.1; it must be closed`);
  // process-exporter, pgrep and check_procs see every Mailman on the host: one at a time
  const lock = await acquireHostLock();
  let root: string;
  let restPort: number;
  let lmtpPort: number;
  try {
    restPort = await freePort();
    lmtpPort = await freePort();
    while (lmtpPort === restPort) lmtpPort = await freePort();
    root = fs.mkdtempSync(path.join(opts.parentDir ?? os.tmpdir(), 'listhost-e2e-mailman-'));
  } catch (e) {
    lock.release();
    throw e;
  }
  const restPass = crypto.randomBytes(12).toString('hex');
  const inst = new Instance(root, restPort, lmtpPort, smtpPort, ids, opts, restPass);
  inst.lock = lock;
  killAtExitUnlessStopped(inst);
  try {
    fs.mkdirSync(inst.varDir);
    fs.writeFileSync(
      inst.configFile,
      mailmanConfigText({
        varDir: inst.varDir,
        restPort,
        lmtpPort,
        smtpPort,
        restPass,
        workers: opts.workers ?? 2,
        instances: opts.instances ?? {},
        extra: opts.extraConfig,
      }),
      { mode: 0o640 },
    );
    chownR(root, ids.uid, ids.gid);
    // like Debian's /var/lib/mailman3 and /etc/mailman3 (0755): other users (a monitoring agent) may
    // traverse it; what Mailman creates below keeps Mailman's own modes (queue dirs 0770 list:list)
    fs.chmodSync(root, 0o755);
    await inst.start();
    return inst;
  } catch (e) {
    await inst.stop().catch(() => undefined);
    throw e;
  }
}
