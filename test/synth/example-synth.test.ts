/**
 * The example app through the real `cdktf synth`: the output layout of
 * CONTRACT.md section 2, byte-identical across runs, and a snapshot.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { validateHostModel } from '../../lib/model/validate';
import { REPO, synthExample } from '../helpers/synth';
import { treeDigests } from '../helpers/tree';

describe('cdktf synth of examples/wikimedia-lists', () => {
  const first = synthExample();
  const second = synthExample();
  after(() => { rmSync(first, { recursive: true, force: true }); rmSync(second, { recursive: true, force: true }); });
  const stack = join(first, 'stacks/lists');

  it('writes cdk.tf.json and, per host, host.json and the rootfs', () => {
    assert.ok(existsSync(join(stack, 'cdk.tf.json')));
    for (const fqdn of ['lists1001.example.org', 'lists2001.example.org']) {
      const model = JSON.parse(readFileSync(join(stack, 'hosts', fqdn, 'host.json'), 'utf8'));
      validateHostModel(model, `${fqdn}/host.json`);
      assert.equal(model.fqdn, fqdn);
      for (const path of [
        'etc/prometheus/process-exporter.yml',
        'usr/local/lib/listhost/mailman-queue-collector',
        'usr/local/lib/listhost/mailman-selfheal',
        'etc/systemd/system/listhost-mailman-queue-collector.timer',
        'etc/systemd/system/listhost-mailman-selfheal.timer',
        'etc/systemd/system/srv-restore.mount',
      ]) assert.ok(existsSync(join(stack, 'hosts', fqdn, 'rootfs', path)), `${fqdn}: ${path}`);
      assert.equal(statSync(join(stack, 'hosts', fqdn, 'rootfs/usr/local/lib/listhost/mailman-selfheal')).mode & 0o777, 0o755);
    }
  });

  it('the example hosts are as CONTRACT.md section 6 says', () => {
    const a = JSON.parse(readFileSync(join(stack, 'hosts/lists1001.example.org/host.json'), 'utf8'));
    const b = JSON.parse(readFileSync(join(stack, 'hosts/lists2001.example.org/host.json'), 'utf8'));
    assert.deepEqual([a.location.site, a.location.row, b.location.site, b.location.row], ['dc1', 'A', 'dc2', 'B']);
    for (const m of [a, b]) {
      assert.equal(m.service.version, '3.3.8');
      assert.equal(m.service.processGroups.filter((g: { groupname: string }) => g.groupname.startsWith('mailman-runner-')).length, 13);
      assert.deepEqual([m.platform.os, m.platform.release, m.platform.agent.name, m.platform.agent.version], ['debian', '12', 'puppet', '7']);
      assert.equal(m.volumes.find((v: { name: string }) => v.name === m.dataVolume).mountpoint, '/srv/mailman3');
      assert.equal(m.volumes.find((v: { name: string }) => v.name === m.backup.restoreVolume).mountpoint, '/srv/restore');
    }
  });

  it('is byte-identical across two synths', () => {
    assert.deepEqual(treeDigests(join(second, 'stacks/lists')), treeDigests(stack));
  });

  it('marks the output, each stack directory, hosts/ and monitoring/ with one generation', () => {
    const markers = ['.listhost-generation', 'stacks/lists/.listhost-generation', 'stacks/lists/hosts/.listhost-generation', 'stacks/lists/monitoring/.listhost-generation'].map((p) => readFileSync(join(first, p), 'utf8'));
    assert.match(markers[0], /^[0-9a-f]{64}\n$/);
    assert.deepEqual(new Set(markers).size, 1);
    assert.equal(readFileSync(join(second, '.listhost-generation'), 'utf8'), markers[0]);
  });

  it('matches the committed snapshot (UPDATE_SNAPSHOTS=1 rewrites it)', () => {
    const snapshotFile = join(REPO, 'test/snapshots/example-synth.json');
    // cdktf's default local backend names the state file by absolute path
    // (the project directory); the snapshot must not depend on the checkout.
    const cdkTfJson = readFileSync(join(stack, 'cdk.tf.json'), 'utf8').split(REPO).join('<repo>');
    // The generation markers digest cdk.tf.json too, so they depend on the
    // checkout as well; they are checked to agree in 'marks every directory'.
    const files = Object.fromEntries([...treeDigests(stack)].filter(([path]) => !path.endsWith('.listhost-generation')));
    files['cdk.tf.json'] = createHash('sha256').update(cdkTfJson).digest('hex');
    const actual = {
      files,
      'cdk.tf.json': JSON.parse(cdkTfJson),
      'lists1001.example.org/host.json': JSON.parse(readFileSync(join(stack, 'hosts/lists1001.example.org/host.json'), 'utf8')),
    };
    if (process.env.UPDATE_SNAPSHOTS === '1') writeFileSync(snapshotFile, `${JSON.stringify(actual, null, 2)}\n`);
    assert.deepEqual(actual, JSON.parse(readFileSync(snapshotFile, 'utf8')));
  });
});
