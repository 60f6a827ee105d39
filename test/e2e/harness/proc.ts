/**
 * Small /proc and process helpers shared by the e2e harnesses.
 *
 * Every process a harness starts is remembered as a {@link ProcRef} (PID plus
 * the kernel's start time of that PID), so a later kill can never hit an
 * unrelated process that happens to reuse the PID. Nothing here ever looks a
 * process up by name.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import { execFile, spawn } from 'node:child_process';

/** A process identity that survives PID reuse. */
export interface ProcRef {
  readonly pid: number;
  /** Field 22 of /proc/PID/stat (start time in clock ticks since boot). */
  readonly startTime: string;
}

export interface ProcStat {
  readonly pid: number;
  readonly comm: string;
  /** One-letter state (R, S, D, Z, ...). */
  readonly state: string;
  readonly ppid: number;
  readonly startTime: string;
}

/** Parses /proc/PID/stat; undefined when the process is gone. */
export function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // comm is in parentheses and may contain spaces or ')': split at the last ')'.
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < 0) return undefined;
  const comm = text.slice(open + 1, close);
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state); field N is rest[N - 3].
  return { pid, comm, state: rest[0], ppid: Number(rest[1]), startTime: rest[19] };
}

/** /proc/PID/cmdline split at NULs (trailing NUL dropped); undefined when gone. */
export function readCmdline(pid: number): string[] | undefined {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(`/proc/${pid}/cmdline`);
  } catch {
    return undefined;
  }
  const text = buf.toString('utf8');
  if (text === '') return [];
  return text.replace(/\0$/, '').split('\0');
}

/** /proc/PID/cmdline joined by single spaces (what process-exporter and `pgrep -f` match). */
export function cmdlineString(pid: number): string | undefined {
  return readCmdline(pid)?.join(' ');
}

/** The identity of a live PID, or undefined when it is gone or a zombie. */
export function procRef(pid: number): ProcRef | undefined {
  const st = readStat(pid);
  if (!st || st.state === 'Z' || st.state === 'X') return undefined;
  return { pid, startTime: st.startTime };
}

/** True while exactly this process (same PID and start time) runs and is not a zombie. */
export function isAlive(ref: ProcRef): boolean {
  const st = readStat(ref.pid);
  return !!st && st.startTime === ref.startTime && st.state !== 'Z' && st.state !== 'X';
}

/** Every numeric entry of /proc. */
export function allPids(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number);
}

/** PIDs of all live (non-zombie) descendants of `root`, not including it. */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const pid of allPids()) {
    const st = readStat(pid);
    if (!st || st.state === 'Z') continue;
    const list = children.get(st.ppid) ?? [];
    list.push(pid);
    children.set(st.ppid, list);
  }
  const out: number[] = [];
  const todo = [...(children.get(root) ?? [])];
  while (todo.length > 0) {
    const pid = todo.shift()!;
    out.push(pid);
    todo.push(...(children.get(pid) ?? []));
  }
  return out.sort((a, b) => a - b);
}

/** Sends `signal` to `ref` only if it is still that same process. Returns whether it was sent. */
export function signalRef(ref: ProcRef, signal: NodeJS.Signals): boolean {
  if (!isAlive(ref)) return false;
  try {
    process.kill(ref.pid, signal);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface WaitOptions {
  /** Upper bound; the wait fails after this long. */
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** Named in the error message. */
  readonly what: string;
}

/**
 * Polls `probe` until it returns a value other than undefined/false, bounded
 * by `timeoutMs`. `describe` (optional) adds the last observed state to the
 * timeout error.
 */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  opts: WaitOptions,
  describe?: () => string | Promise<string>,
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= deadline) break;
    await sleep(opts.intervalMs ?? 100);
  }
  const state = describe ? `; last state: ${await describe()}` : '';
  const err = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
  throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.what}${state}${err}`);
}

/** Waits until every ref is gone; returns the refs still alive after the bound. */
export async function waitGone(refs: readonly ProcRef[], timeoutMs: number): Promise<ProcRef[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = refs.filter(isAlive);
    if (alive.length === 0 || Date.now() >= deadline) return alive;
    await sleep(50);
  }
}

/**
 * Stops the given processes by PID: SIGTERM (unless `term` is false), a
 * bounded wait, then SIGKILL for whatever is left, and another bounded wait.
 * Returns the refs still alive at the end (should be empty).
 */
export async function terminate(
  refs: readonly ProcRef[],
  opts: { readonly graceMs?: number; readonly term?: boolean } = {},
): Promise<ProcRef[]> {
  if (opts.term !== false) for (const r of refs) signalRef(r, 'SIGTERM');
  let alive = await waitGone(refs, opts.term === false ? 0 : opts.graceMs ?? 10_000);
  for (const r of alive) signalRef(r, 'SIGKILL');
  alive = await waitGone(alive, 5_000);
  return alive;
}

/** A TCP port on 127.0.0.1 that was free a moment ago (bound, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') {
        srv.close();
        reject(new Error('no port'));
        return;
      }
      srv.close(() => resolve(addr.port));
    });
  });
}

/** Resolves to true when a TCP connect to 127.0.0.1:port succeeds, false when refused. */
export function canConnect(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host });
    const done = (ok: boolean) => {
      sock.removeAllListeners();
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(2_000, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a program whose descendants outlive it and keep its stdout/stderr open
 * (a daemonizing `mailman start`): output goes to `outputFile` instead of
 * pipes, and this resolves on the program's own exit (bounded by timeoutMs,
 * after which it is SIGKILLed by PID). Resolves with the exit code and the
 * output written so far.
 */
export function runDaemonizing(
  file: string,
  args: readonly string[],
  opts: { readonly outputFile: string; readonly cwd?: string; readonly env?: NodeJS.ProcessEnv; readonly timeoutMs?: number },
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const fd = fs.openSync(opts.outputFile, 'a');
    const start = fs.fstatSync(fd).size;
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(file, [...args], { cwd: opts.cwd, env: opts.env, stdio: ['ignore', fd, fd] });
    } finally {
      fs.closeSync(fd);
    }
    const timer = setTimeout(() => {
      if (child.pid !== undefined) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }, opts.timeoutMs ?? 60_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const out = fs.readFileSync(opts.outputFile, 'utf8').slice(start);
      resolve({ code: code ?? (signal ? 128 : 1), stdout: out, stderr: signal ? `killed by ${signal}` : '' });
    });
  });
}

/** Runs a program (no shell) and resolves with its exit code and output; never rejects on exit code. */
export function run(
  file: string,
  args: readonly string[],
  opts: { readonly cwd?: string; readonly env?: NodeJS.ProcessEnv; readonly timeoutMs?: number } = {},
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      [...args],
      { cwd: opts.cwd, env: opts.env, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof (error as NodeJS.ErrnoException).code === 'string') {
          // spawn failure (ENOENT, ...), not an exit status
          reject(error);
          return;
        }
        const code = error ? ((error as { code?: number }).code ?? 1) : 0;
        resolve({ code: typeof code === 'number' ? code : 1, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}
