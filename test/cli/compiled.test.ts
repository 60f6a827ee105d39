/**
 * The bin users get (`npx listhost` runs dist/lib/cli/main.js): compiled by
 * tsc with the repo's tsconfig (module commonjs) into a scratch directory,
 * then run on the synthesized example.
 */
import { strict as assert } from 'node:assert';
import { copyFileSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { run } from '../helpers/run';
import { REPO } from '../helpers/synth';
import { cleanup, listhost, scratch, synthesizedExample } from './helpers';

describe('the compiled listhost bin', () => {
  const out = scratch();
  let main: string;
  before(() => {
    const tsc = run(join(REPO, 'node_modules/.bin/tsc'), ['-p', join(REPO, 'tsconfig.json'), '--outDir', out], { cwd: REPO });
    main = join(out, 'lib/cli/main.js');
    // dist/ sits in the package beside package.json and node_modules
    copyFileSync(join(REPO, 'package.json'), join(out, 'package.json'));
    symlinkSync(join(REPO, 'node_modules'), join(out, 'node_modules'));
    assert.ok(readFileSync(main, 'utf8').startsWith('#!/usr/bin/env node\n'), `tsc output:\n${tsc.stdout}${tsc.stderr}`);
  });
  after(() => cleanup(out));

  it('prints the package version', async () => {
    const r = await listhost(['--version'], REPO, [main]);
    assert.equal(r.status, 0);
    assert.equal(r.stdout.trim(), JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version);
  });

  it('lints the example clean, and exits 2 with one line for a missing directory', async () => {
    const ok = await listhost(['lint', synthesizedExample(), '--format', 'sarif'], REPO, [main]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).runs[0].tool.driver.rules.length, 19);
    const bad = await listhost(['lint', 'no-such-dir'], REPO, [main]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^listhost: no-such-dir: no such file or directory[^\n]*\n$/);
  });
});
