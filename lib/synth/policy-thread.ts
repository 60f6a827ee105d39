/**
 * The synth-time policy on a second thread. cdktf validates, writes and
 * resolves one stack after another on the main thread, and the policy rules
 * were 40 % of that work (docs/PERFORMANCE.md). With the thread, a stack's
 * validation hands its rendered files to a worker and returns; the main
 * thread goes on writing it (into the staging directory, lib/synth) and the
 * next stacks while the worker checks it. `synthesize(app)` then collects
 * the answers and fails the synth, or adds the warnings, exactly as the
 * validations would have, before the staged output is swapped in: a stack
 * that fails is never seen in the outdir.
 *
 * The worker posts each answer on a port read with `receiveMessageOnPort`
 * and bumps a shared counter, so the main thread, whose cdktf hooks are
 * synchronous, can wait for it with `Atomics.wait`. It waits only when
 * `maxPending` stacks are unanswered (so the worker never holds more than
 * that many stacks' files) and at the end. A stack the worker cannot answer
 * (it failed to start, threw, died, or passed the watchdog) is checked on
 * the main thread: slower, never different.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { FleetHost } from '../policy/types';
import { WAKEUPS, FAILED, STATE_SLOTS, type PolicyAnswer, type PolicyJob, type PolicyThreadData, type PolicyVerdict } from './policy-thread-protocol';

export interface PolicyThreadOptions {
  /**
   * Stacks sent and not yet answered before `check` waits for the worker.
   * @default 4
   */
  readonly maxPending?: number;
  /**
   * How long to wait for an answer before checking the stacks on the main thread.
   * @default 120000 (a 10,000-host stack takes about 15 s on the worker)
   */
  readonly watchdogMs?: number;
  /** The worker's entry module. @default policy-thread-worker beside this module */
  readonly entry?: string;
}

/** Apps with fewer hosts check on the main thread: measured on 2 CPUs, the thread made 100 hosts slower, 300 no faster, 500 and more 10-30 % faster (docs/PERFORMANCE.md). */
export const POLICY_THREAD_MIN_HOSTS = 500;

/**
 * Whether `synthesize(app)` uses the policy thread: `LISTHOST_POLICY_THREAD`
 * `on` or `off`; otherwise (`auto`, the default) with at least 2 CPUs and
 * POLICY_THREAD_MIN_HOSTS hosts.
 */
export function wantsPolicyThread(hosts: number, env: NodeJS.ProcessEnv = process.env): boolean {
  const setting = env.LISTHOST_POLICY_THREAD;
  if (setting === 'on') return true;
  if (setting === 'off') return false;
  if (setting !== undefined && setting !== '' && setting !== 'auto') {
    throw new Error(`LISTHOST_POLICY_THREAD must be on, off or auto (got ${JSON.stringify(setting)})`);
  }
  return availableParallelism() >= 2 && hosts >= POLICY_THREAD_MIN_HOSTS;
}

/**
 * The worker's bootstrap. Compiled (dist/), the entry is a .js module; run
 * from source under tsx (the tests), worker threads do not inherit tsx's
 * loader, so the bootstrap registers it first. A failure to load marks the
 * shared state failed, so the main thread stops waiting at once.
 */
function bootstrap(entry: string): string {
  const register = entry.endsWith('.ts') ? "require('tsx/cjs/api').register();" : '';
  return [
    "const { workerData } = require('node:worker_threads');",
    `try { ${register} require(${JSON.stringify(entry)}); }`,
    `catch (error) { const s = new Int32Array(workerData.state); Atomics.store(s, ${FAILED}, 1); Atomics.add(s, ${WAKEUPS}, 1); Atomics.notify(s, ${WAKEUPS}); }`,
  ].join('\n');
}

function defaultEntry(): string | undefined {
  for (const extension of ['.js', '.ts']) {
    const candidate = join(__dirname, `policy-thread-worker${extension}`);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

export class PolicyThread {
  private readonly state = new Int32Array(new SharedArrayBuffer(STATE_SLOTS * Int32Array.BYTES_PER_ELEMENT));
  private readonly worker: Worker | undefined;
  private readonly port: MessagePort | undefined;
  /** Stacks sent, in order (a Set keeps insertion order). */
  private readonly sent = new Set<string>();
  private readonly received = new Map<string, PolicyAnswer>();
  private readonly maxPending: number;
  private readonly watchdogMs: number;
  private closed = false;
  private timedOut = false;

  /** @param fleet every host of the app, for platform uniformity */
  constructor(fleet: readonly FleetHost['model'][], options: PolicyThreadOptions = {}) {
    this.maxPending = options.maxPending ?? 4;
    this.watchdogMs = options.watchdogMs ?? 120_000;
    const entry = options.entry ?? defaultEntry();
    if (entry === undefined) {
      this.closed = true;
      return;
    }
    const { port1, port2 } = new MessageChannel();
    const data: PolicyThreadData = { state: this.state.buffer as SharedArrayBuffer, fleet, answers: port2 };
    this.worker = new Worker(bootstrap(entry), { eval: true, workerData: data, transferList: [port2] });
    this.worker.unref();
    this.port = port1;
  }

  /**
   * `running`; `failed`: the worker failed to load, threw outside a job or
   * exited; `timed out`: no answer within the watchdog; `closed`.
   */
  get status(): 'running' | 'failed' | 'timed out' | 'closed' {
    if (Atomics.load(this.state, FAILED) !== 0) return 'failed';
    if (this.timedOut) return 'timed out';
    return this.closed ? 'closed' : 'running';
  }

  /** Whether the thread gives no more answers. */
  get failed(): boolean {
    return this.status !== 'running';
  }

  /** Sends a stack to be checked, first waiting while `maxPending` stacks are unanswered; a stack sent before is not sent again. */
  check(job: PolicyJob): void {
    if (this.sent.has(job.key)) return;
    this.waitUntil(() => this.pending() < this.maxPending);
    this.sent.add(job.key);
    if (!this.failed) this.worker!.postMessage(job);
  }

  /** Stacks sent and not answered yet. */
  private pending(): number {
    return this.sent.size - this.received.size;
  }

  /**
   * The answer for every stack sent, in the order sent, waiting for those
   * still out; undefined for a stack the caller must check itself.
   */
  answers(): Map<string, PolicyVerdict | undefined> {
    this.waitUntil(() => this.pending() === 0);
    const out = new Map<string, PolicyVerdict | undefined>();
    for (const key of this.sent) {
      const answer = this.received.get(key);
      out.set(key, answer && !('failed' in answer) ? { errors: answer.errors, warnings: answer.warnings } : undefined);
    }
    return out;
  }

  /** Stops the worker. */
  close(): void {
    this.closed = true;
    this.port?.close();
    void this.worker?.terminate();
  }

  private drain(): void {
    if (!this.port) return;
    for (;;) {
      const message = receiveMessageOnPort(this.port);
      if (message === undefined) return;
      const answer = message.message as PolicyAnswer;
      this.received.set(answer.key, answer);
    }
  }

  /** Waits for answers until `done()`, the thread fails, or the watchdog (which closes it). */
  private waitUntil(done: () => boolean): void {
    const deadline = Date.now() + this.watchdogMs;
    for (;;) {
      const seen = Atomics.load(this.state, WAKEUPS);
      this.drain();
      if (done() || this.failed) return;
      const left = deadline - Date.now();
      if (left <= 0) {
        this.timedOut = true;
        this.close();
        return;
      }
      Atomics.wait(this.state, WAKEUPS, seen, Math.min(left, 1000));
    }
  }
}
