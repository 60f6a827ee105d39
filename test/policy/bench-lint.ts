/**
 * Benchmark (not a test; no timing assertions anywhere): lint of an
 * N-host cdktf.out against reading every file and JSON.parse/YAML-parse
 * the JSON and YAML ones. DESIGN.md target: lint <= 3x that at N = 1,000.
 *
 *   node --import tsx test/policy/bench-lint.ts [N=1000] [ROUNDS=5]
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse as parseYaml } from 'yaml';
import { classify, createContext, runRules } from '../../lib/policy/engine';
import { loadLintInput } from '../../lib/policy/load';
import { renderReport } from '../../lib/policy/report';
import { writeFleet } from './fleet-fixture';

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

function readAndParse(dir: string): number {
  let n = 0;
  for (const path of walk(dir)) {
    const text = readFileSync(path, 'utf8');
    if (path.endsWith('.json')) JSON.parse(text);
    else if (path.endsWith('.yml') || path.endsWith('.yaml')) parseYaml(text);
    n += text.length;
  }
  return n;
}

function lintAll(dir: string): number {
  const input = loadLintInput(dir);
  const ctx = createContext(input);
  const report = classify(ctx, runRules(ctx));
  const text = renderReport(report, 'json', (f) => input.texts.get(f));
  if (report.exitCode !== 0) throw new Error(`the fleet does not lint clean:\n${renderReport(report, 'text', (f) => input.texts.get(f)).slice(0, 2000)}`);
  return text.length;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 1000);
  const rounds = Number(process.argv[3] ?? 5);
  const t0 = performance.now();
  const fleet = await writeFleet(n);
  console.log(`fixture: ${n} hosts, ${fleet.files} files in ${((performance.now() - t0) / 1000).toFixed(1)} s (${fleet.dir})`);
  const base: number[] = [];
  const lint: number[] = [];
  readAndParse(fleet.dir);
  lintAll(fleet.dir);
  for (let i = 0; i < rounds; i++) {
    let t = performance.now();
    readAndParse(fleet.dir);
    base.push(performance.now() - t);
    t = performance.now();
    lintAll(fleet.dir);
    lint.push(performance.now() - t);
  }
  const b = median(base);
  const l = median(lint);
  console.log(`read + parse: ${b.toFixed(0)} ms   lint: ${l.toFixed(0)} ms   ratio ${(l / b).toFixed(2)} (target <= 3)`);
  rmSync(fleet.dir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
