/**
 * The writer gives every file the mode the host gets (0755 scripts, 0644 the
 * rest) whatever the umask of the synthesizing process: files are created
 * with their mode and chmod'ed only where the umask took bits.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { writeStackArtifacts } from '../../lib/synth/writer';
import { run } from '../helpers/run';
import { treeModes } from '../helpers/tree';

const scratch = mkdtempSync(join(tmpdir(), 'listhost-writer-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const FILES: ReadonlyMap<string, { content: string; mode: number }> = new Map([
  ['hosts/a.example.org/host.json', { content: '{}\n', mode: 0o644 }],
  ['hosts/a.example.org/rootfs/usr/local/lib/listhost/apply', { content: '#!/bin/sh\n', mode: 0o755 }],
  ['monitoring/prometheus/rules.yml', { content: 'groups: []\n', mode: 0o644 }],
]);

describe('writeStackArtifacts', () => {
  for (const umask of ['022', '077', '027', '000']) {
    it(`writes exact modes, and nothing else, under umask ${umask}`, () => {
      const directory = join(scratch, `umask-${umask}`);
      // A child process: the umask is process-wide.
      const script = `process.umask(0o${umask}); require('tsx/cjs/api').register(); const { writeStackArtifacts } = require(${JSON.stringify(require.resolve('../../lib/synth/writer'))}); writeStackArtifacts(${JSON.stringify(directory)}, new Map(${JSON.stringify([...FILES])}));`;
      const result = run(process.execPath, ['-e', script]);
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(Object.fromEntries(treeModes(directory)), {
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
