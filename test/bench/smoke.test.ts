/**
 * A small run of the benchmark (bench/run.ts): it runs end to end and its
 * last line has the documented shape. No timing is asserted: the figures
 * belong in docs/PERFORMANCE.md, not in a test.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';

const REPO = resolve(__dirname, '../..');

describe('npm run bench (smoke: 5 hosts, 1 run)', () => {
  // tsx runtime: no build into dist/ from a test; the compiled runtime is what `npm run bench` measures.
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(REPO, 'bench/run.ts'), '--hosts', '5', '--runs', '1', '--warmup', '0', '--runtime', 'tsx', '--no-write-floor'],
    { cwd: REPO, encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' }, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 },
  );

  it('exits 0', () => {
    assert.equal(result.status, 0, `bench failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  });

  it('prints the table, then one JSON object with the figures as its last line', () => {
    const lines = result.stdout.trimEnd().split('\n');
    assert.ok(lines.some((line) => line.startsWith('| hosts | stacks | runs | synth ms | baseline ms |')), result.stdout);
    const figures = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
    assert.deepEqual(Object.keys(figures), ['hosts', 'synth_ms', 'baseline_ms', 'lint_ms', 'parse_floor_ms', 'peak_rss_mb']);
    assert.equal(figures.hosts, 5);
    for (const key of ['synth_ms', 'baseline_ms', 'lint_ms', 'parse_floor_ms', 'peak_rss_mb']) {
      assert.ok(typeof figures[key] === 'number' && Number.isFinite(figures[key]) && (figures[key] as number) > 0, `${key}: ${String(figures[key])}`);
    }
  });

  it('says where the files were written and how many runs each median has', () => {
    assert.match(result.stdout, /output under \S+/);
    assert.match(result.stdout, /5 hosts: 1 run\(s\) per side instead of 5 \(--runs\)/);
  });
});
