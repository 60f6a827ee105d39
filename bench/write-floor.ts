/**
 * Not a side of the comparison but its context: how long writing the files
 * a library synth wrote takes by itself. Reads every file under SRC into
 * memory (not timed), then writes them under DEST with one mkdir per
 * directory and one writeFileSync per file (timed), the least any writer
 * of the same tree can do.
 *
 * Usage: node dist/bench/write-floor.js SRC DEST
 * Prints one JSON line on stdout: { files, bytes, write_ms }.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';

function main(): void {
  const [src, dest] = process.argv.slice(2);
  if (!src || !dest) throw new Error('usage: write-floor SRC DEST');
  const files: Array<[string, Buffer]> = [];
  const walk = (abs: string): void => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      const path = join(abs, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push([relative(src, path), readFileSync(path)]);
    }
  };
  walk(src);
  let bytes = 0;
  const t0 = performance.now();
  const made = new Set<string>();
  for (const [rel, content] of files) {
    const target = join(dest, rel);
    const dir = dirname(target);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    writeFileSync(target, content);
    bytes += content.length;
  }
  const t1 = performance.now();
  process.stdout.write(`${JSON.stringify({ files: files.length, bytes, write_ms: t1 - t0 })}\n`);
}

try {
  main();
} catch (error: unknown) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
