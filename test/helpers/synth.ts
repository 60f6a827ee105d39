/** Runs `cdktf synth` on the repo's example as a user would. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { run } from './run';

export const REPO = resolve(__dirname, '../..');

/** Synthesizes the example into a fresh directory and returns it. */
export function synthExample(app = 'npx tsx examples/wikimedia-lists/main.ts'): string {
  const out = mkdtempSync(join(tmpdir(), 'listhost-synth-'));
  const result = run(join(REPO, 'node_modules/.bin/cdktf'), ['synth', '--app', app, '--output', out], {
    cwd: REPO,
    env: { ...process.env, CHECKPOINT_DISABLE: '1', CI: '1' },
  });
  if (result.status !== 0) throw new Error(`cdktf synth failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return out;
}
