/**
 * A real Prometheus or Alertmanager (Debian 12 packages) on a loopback port
 * for one test file: started here, stopped by its PID and start time (never
 * by name), its files in a temp dir removed on stop.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, procRef, terminate, waitFor, type ProcRef } from '../e2e/harness/proc';

export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';

export interface Daemon {
  readonly url: string;
  readonly dir: string;
  /** What the daemon wrote to stdout and stderr so far. */
  log(): string;
  stop(): Promise<void>;
}

async function start(bin: string, config: string, args: (dir: string, port: number) => string[]): Promise<Daemon> {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run scripts/install-test-tools.sh (a missing tool fails the test)`);
  const dir = mkdtempSync(join(tmpdir(), 'listhost-daemon-'));
  const configFile = join(dir, 'config.yml');
  writeFileSync(configFile, config);
  const port = await freePort();
  const logFile = join(dir, 'daemon.log');
  const fd = openSync(logFile, 'a');
  const child = spawn(bin, [`--config.file=${configFile}`, ...args(dir, port)], { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  let ref: ProcRef | undefined;
  try {
    ref = await waitFor(() => (child.pid !== undefined ? procRef(child.pid) : undefined), { timeoutMs: 10_000, what: `${bin} to start` });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const url = `http://127.0.0.1:${port}`;
  const daemon: Daemon = {
    url,
    dir,
    log,
    async stop() {
      if (ref) await terminate([ref], { graceMs: 10_000 });
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`${bin} exited with ${child.exitCode}: ${log()}`);
        const res = await fetch(`${url}/-/ready`).catch(() => undefined);
        return res?.ok ?? false;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: `${bin} to be ready` },
      log,
    );
  } catch (e) {
    await daemon.stop();
    throw e;
  }
  return daemon;
}

export function startPrometheus(config: string): Promise<Daemon> {
  return start(PROMETHEUS_BIN, config, (dir, port) => [`--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`]);
}

export function startAlertmanager(config: string): Promise<Daemon> {
  return start(ALERTMANAGER_BIN, config, (dir, port) => [
    `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
  ]);
}
