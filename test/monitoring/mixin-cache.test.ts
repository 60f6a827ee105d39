/**
 * The on-disk cache of the mixin's evaluation: keyed by every source file,
 * the config and the jsonnet version, so nothing stale is ever read back.
 */
import { strict as assert } from 'node:assert';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { mixinCacheDirectory, openMixinCache } from '../../lib/monitoring/mixin-cache';
import { evaluateMixin, mixinDirectory } from '../../lib/monitoring/evaluate-mixin';
import { run } from '../helpers/run';

const scratch = mkdtempSync(join(tmpdir(), 'listhost-mixin-cache-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('mixin evaluation cache', () => {
  it('lives in node_modules/.cache of the working directory, elsewhere or nowhere as LISTHOST_MIXIN_CACHE says', () => {
    const repo = join(scratch, 'repo');
    mkdirSync(join(repo, 'node_modules'), { recursive: true });
    assert.equal(mixinCacheDirectory(undefined, repo), join(repo, 'node_modules/.cache/cdktf-listhost/mixin'));
    assert.equal(mixinCacheDirectory(undefined, join(scratch, 'no-node-modules')), undefined, 'no node_modules: no cache unless named');
    assert.equal(mixinCacheDirectory('/var/cache/listhost', '/repo'), '/var/cache/listhost');
    for (const off of ['off', 'OFF', '0', 'false', 'no']) assert.equal(mixinCacheDirectory(off, '/repo'), undefined, off);
    assert.equal(openMixinCache(mixinDirectory, 'v0', 'off', scratch), undefined);
  });

  it('reads back what it stored, and misses on another config, another jsonnet, any changed source or a corrupt entry', () => {
    const sources = join(scratch, 'mixin');
    cpSync(mixinDirectory, sources, { recursive: true });
    const dir = join(scratch, 'cache-a');
    const cache = openMixinCache(sources, 'v0.20.0', dir)!;
    assert.equal(cache.read('{}'), undefined);
    cache.write('{}', '{"rules.yml":{"groups":[]},"dashboards":{}}');
    assert.equal(cache.read('{}'), '{"rules.yml":{"groups":[]},"dashboards":{}}');
    assert.equal(cache.read('{"a":1}'), undefined, 'another config');
    assert.equal(openMixinCache(sources, 'v0.21.0', dir)!.read('{}'), undefined, 'another jsonnet');
    assert.equal(openMixinCache(sources, 'v0.20.0', dir)!.read('{}'), '{"rules.yml":{"groups":[]},"dashboards":{}}', 'same sources, new process');

    // A source installed as a symlink is hashed through the link.
    const linked = join(scratch, 'linked-queues.libsonnet');
    cpSync(join(sources, 'alerts', 'queues.libsonnet'), linked);
    unlinkSync(join(sources, 'alerts', 'queues.libsonnet'));
    symlinkSync(linked, join(sources, 'alerts', 'queues.libsonnet'));
    assert.equal(openMixinCache(sources, 'v0.20.0', dir)!.read('{}'), '{"rules.yml":{"groups":[]},"dashboards":{}}', 'a symlink to the same bytes');
    appendFileSync(linked, '\n');
    assert.equal(openMixinCache(sources, 'v0.20.0', dir)!.read('{}'), undefined, 'a source file changed');

    const [entry] = readdirSync(dir);
    writeFileSync(join(dir, entry), '{"rules.yml":');
    assert.equal(openMixinCache(sources, 'v0.20.0', dir)!.read('{}'), undefined, 'unchanged sources again, but the entry is corrupt');
  });

  it('an evaluation through the cache gives what the jsonnet CLI gives', async () => {
    const dir = join(scratch, 'cache-b');
    process.env.LISTHOST_MIXIN_CACHE = dir;
    const config = { runbookBaseUrl: 'https://runbooks.example.org/cache-test/' };
    await evaluateMixin(config);
    const [entry] = readdirSync(dir);
    const cli = run('jsonnet', ['-J', mixinDirectory, '--tla-code', `config=${JSON.stringify(config)}`, join(mixinDirectory, 'render.jsonnet')]);
    assert.equal(cli.status, 0, cli.stderr);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, entry), 'utf8')), JSON.parse(cli.stdout));
  });
});
