/**
 * Shared by the mixin tests: the example fleet, running the real tools
 * (a missing tool fails the test), and reading the generated rules.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import type { HostModel } from '../../lib/model/types';
import { mixinConfig, type MixinConfig } from '../../lib/monitoring/mixin-config';
import { exampleHostModel } from '../fixtures/host-model';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const RUNBOOK_BASE = 'https://runbooks.example.org/';

export function twoHosts(): HostModel[] {
  return [exampleHostModel('lists1001.example.org'), exampleHostModel('lists2001.example.org', 'dc2', 'B')];
}

export function fleet(n: number): HostModel[] {
  return Array.from({ length: n }, (_, i) => exampleHostModel(`lists${1001 + i}.example.org`, i % 2 === 0 ? 'dc1' : 'dc2', 'A'));
}

export function exampleConfig(hosts: HostModel[] = twoHosts()): MixinConfig {
  return mixinConfig(hosts, { runbookBaseUrl: RUNBOOK_BASE });
}

const created: string[] = [];
process.on('exit', () => {
  for (const dir of created) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp dir, removed when the test process exits. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'listhost-mixin-'));
  created.push(dir);
  return dir;
}

export interface RunResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Command, exit status and output, for assertion messages. */
  readonly report: string;
}

/** Runs a real tool; throws (failing the test) when it cannot be started. */
export function run(command: string, args: readonly string[], cwd: string): RunResult {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`cannot run ${command}: ${r.error.message} (install it; see DESIGN.md "Real tools")`);
  const status = r.status ?? -1;
  return {
    status,
    stdout: r.stdout,
    stderr: r.stderr,
    report: `$ ${command} ${args.join(' ')}  (in ${cwd})\nexit ${status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`,
  };
}

export interface Rule {
  readonly alert?: string;
  readonly record?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

export function rulesOf(rulesYaml: string): Rule[] {
  const doc = parse(rulesYaml) as { groups: { name: string; rules: Rule[] }[] };
  return doc.groups.flatMap((g) => g.rules);
}

export function alertNames(rulesYaml: string): string[] {
  return [...new Set(rulesOf(rulesYaml).flatMap((r) => (r.alert ? [r.alert] : [])))].sort();
}
