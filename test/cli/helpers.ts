/** Running the real `listhost` command as a child process. */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO, synthExample } from '../helpers/synth';

export const MAIN = join(REPO, 'lib/cli/main.ts');
const TSX = pathToFileURL(require.resolve('tsx', { paths: [REPO] })).href;

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `node --import tsx lib/cli/main.ts ARGS` in `cwd` (any directory). */
export function listhost(args: readonly string[], cwd: string = REPO, entry: readonly string[] = ['--import', TSX, MAIN]): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...entry, ...args], { cwd, env: { ...process.env, LISTHOST_DEBUG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolvePromise({ status, stdout, stderr }));
  });
}

/** Runs `tasks` with at most `limit` at a time, results in order. */
export async function pool<T>(tasks: readonly (() => Promise<T>)[], limit = 6): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

let synthesized: string | undefined;

/** The example synthesized once by the real `cdktf synth`. */
export function synthesizedExample(): string {
  synthesized ??= synthExample();
  return synthesized;
}

/** A fresh copy of the synthesized example to break. */
export function copyOfExample(): string {
  const dir = mkdtempSync(join(tmpdir(), 'listhost-lint-'));
  cpSync(synthesizedExample(), dir, { recursive: true });
  return dir;
}

export function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'listhost-cli-'));
}

export function cleanup(...dirs: string[]): void {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
