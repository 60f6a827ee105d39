/**
 * Benchmark side (d), the floor lint is compared with: read every file of a
 * cdktf.out directory (manifest.json, each stack's cdk.tf.json and every
 * file the stacks wrote, as `listhost lint` does), `JSON.parse` the .json
 * files and YAML-parse the .yml/.yaml files with the `yaml` package the lint
 * uses. Nothing is checked: this is what merely reading the input costs.
 *
 * Usage: node dist/bench/lint-floor.js DIR
 * Prints one JSON line on stdout: { files, bytes, json, yaml, load_ms, parse_ms }.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse as parseYaml } from 'yaml';

function main(): void {
  const loadMs = performance.now();
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: lint-floor DIR');
  const t0 = performance.now();
  const counts = { files: 0, bytes: 0, json: 0, yaml: 0 };
  const walk = (abs: string): void => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      if (entry.name.startsWith('.listhost-')) continue; // the writer's staging directories, skipped by lint too
      const path = join(abs, entry.name);
      if (entry.isDirectory()) {
        walk(path);
        continue;
      }
      if (!entry.isFile()) continue;
      const text = readFileSync(path, 'utf8');
      counts.files++;
      counts.bytes += Buffer.byteLength(text);
      if (entry.name.endsWith('.json')) {
        JSON.parse(text);
        counts.json++;
      } else if (entry.name.endsWith('.yml') || entry.name.endsWith('.yaml')) {
        parseYaml(text);
        counts.yaml++;
      }
    }
  };
  walk(dir);
  const t1 = performance.now();
  process.stdout.write(`${JSON.stringify({ ...counts, load_ms: loadMs, parse_ms: t1 - t0 })}\n`);
}

try {
  main();
} catch (error: unknown) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
