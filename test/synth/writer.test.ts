/**
 * The writer gives every file the mode the host gets (0755 scripts, 0644 the
 * rest) whatever the umask of the synthesizing process: files are created
 * with their mode and chmod'ed only where the umask took bits.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { writeStackArtifacts } from '../../lib/synth/writer';

const scratch = mkdtempSync(join(tmpdir(), 'listhost-writer-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const FILES: ReadonlyMap<string, { content: string; mode: number }> = new Map([
  ['hosts/a.example.org/host.json', { content: '{}\n', mode: 0o644 }],
  ['hosts/a.example.org/rootfs/usr/local/lib/listhost/apply', { content: '#!/bin/sh\n', mode: 0o755 }],
  ['monitoring/prometheus/rules.yml', { content: 'groups: []\n', mode: 0o644 }],
]);

function modes(directory: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d).sort()) {
      const path = join(d, entry);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else out[relative(directory, path)] = (st.mode & 0o777).toString(8);
    }
  };
  walk(directory);
  return out;
}

describe('writeStackArtifacts', () => {
  for (const umask of ['022', '077', '027', '000']) {
    it(`writes exact modes, and nothing else, under umask ${umask}`, () => {
      const directory = join(scratch, `umask-${umask}`);
      // A child process: the umask is process-wide.
      const script = `process.umask(0o${umask}); require('tsx/cjs/api').register(); const { writeStackArtifacts } = require(${JSON.stringify(require.resolve('../../lib/synth/writer'))}); writeStackArtifacts(${JSON.stringify(directory)}, new Map(${JSON.stringify([...FILES])}));`;
      const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(modes(directory), {
        'hosts/a.example.org/host.json': '644',
        'hosts/a.example.org/rootfs/usr/local/lib/listhost/apply': '755',
        'monitoring/prometheus/rules.yml': '644',
      });
    });
  }

  it('returns the same digest for the same files, another for another mode', () => {
    const first = writeStackArtifacts(join(scratch, 'digest-1'), FILES);
    const again = writeStackArtifacts(join(scratch, 'digest-1'), FILES);
    const changed = new Map(FILES);
    changed.set('monitoring/prometheus/rules.yml', { content: 'groups: []\n', mode: 0o600 });
    assert.equal(again, first);
    assert.notEqual(writeStackArtifacts(join(scratch, 'digest-2'), changed), first);
  });
});
