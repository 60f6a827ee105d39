/**
 * A host-wide lock for tests that need the machine's process table to
 * themselves: process-exporter, `pgrep` and `check_procs` count every Mailman
 * on the host, so two test processes that each run a Mailman would see each
 * other's runners. `startMailman()` takes it and `stop()` releases it.
 *
 * The lock is a file created with O_EXCL holding the owner's PID and start
 * time; a lock whose owner no longer runs is stale and taken over. Waiting is
 * bounded (a failure names the owner), never a timing assertion.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isAlive, procRef, sleep } from './proc';

export const MAILMAN_HOST_LOCK = path.join(os.tmpdir(), 'listhost-e2e-mailman.lock');

export interface HostLock {
  readonly file: string;
  release(): void;
}

function owner(file: string): { pid: number; startTime: string } | undefined {
  try {
    const [pid, startTime] = fs.readFileSync(file, 'utf8').trim().split(' ');
    const n = Number(pid);
    return Number.isInteger(n) && n > 0 && startTime ? { pid: n, startTime } : undefined;
  } catch {
    return undefined;
  }
}

export async function acquireHostLock(file = MAILMAN_HOST_LOCK, timeoutMs = 240_000): Promise<HostLock> {
  const me = procRef(process.pid);
  if (!me) throw new Error('cannot read /proc/self/stat');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o644);
      fs.writeSync(fd, `${me.pid} ${me.startTime}\n`);
      fs.closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        const o = owner(file);
        if (o && o.pid === me.pid && o.startTime === me.startTime) fs.rmSync(file, { force: true });
      };
      process.once('exit', release);
      return { file, release };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const o = owner(file);
    if (o === undefined || !isAlive(o)) {
      // stale (its owner is gone) or half written: take it over, re-check ownership by O_EXCL
      let mtimeMs = 0;
      try {
        mtimeMs = fs.statSync(file).mtimeMs;
      } catch {
        continue;
      }
      if (o !== undefined || Date.now() - mtimeMs > 2_000) {
        fs.rmSync(file, { force: true });
        continue;
      }
    }
    if (Date.now() >= deadline) {
      throw new Error(`${file} is held by PID ${o?.pid ?? '?'} (another e2e test running a Mailman) for over ${timeoutMs} ms`);
    }
    await sleep(250);
  }
}
