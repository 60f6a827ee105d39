/**
 * A host's `null_resource` triggers are the hashes of the files the synth
 * writes for it. They are taken from the files as rendered for the policy
 * and the writer (rendered once per synth, not also at construction), and
 * a stack resolved on its own (`Testing.synth`) renders the host's files to
 * get the same values. Hosts with the same settings get the same bytes in
 * every file but host.json, which the policy thread is sent once.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { App, Testing } from 'cdktf';
import { ListhostStack, MailingListHost, synthesize } from '../../lib';
import { packArtifacts, unpackArtifacts } from '../../lib/synth/policy-thread-protocol';
import { hostProps, STACK_PROPS } from '../helpers/example-props';
import { walkFiles } from '../helpers/tree';

const FQDNS = ['lists1001.example.org', 'lists1002.example.org'];

function twoHostStack(app: App): ListhostStack {
  const stack = new ListhostStack(app, 'lists', STACK_PROPS);
  for (const fqdn of FQDNS) new MailingListHost(stack, fqdn.split('.')[0], hostProps(fqdn));
  return stack;
}

function triggersIn(cdkTfJson: string): Map<string, Record<string, string>> {
  const config = JSON.parse(cdkTfJson) as { resource: { null_resource: Record<string, { connection: { host: string }; triggers: Record<string, string> }> } };
  return new Map(Object.values(config.resource.null_resource).map((resource) => [resource.connection.host, resource.triggers]));
}

describe('file triggers', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'listhost-triggers-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('are the sha256 of each written file mode and content, and the same when the stack is resolved on its own', async () => {
    const outdir = join(scratch, 'out');
    const app = new App({ outdir });
    twoHostStack(app);
    await synthesize(app);
    const stackDir = join(outdir, 'stacks', 'lists');
    const written = triggersIn(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));
    assert.deepEqual([...written.keys()], FQDNS);

    for (const fqdn of FQDNS) {
      const rootfs = join(stackDir, 'hosts', fqdn, 'rootfs');
      const onDisk = walkFiles(rootfs, (path, stat) => createHash('sha256').update(`${stat.mode & 0o777}\n`).update(readFileSync(path)).digest('hex'));
      const expected = Object.fromEntries([...onDisk].map(([relative, hash]) => [`/${relative}`, hash]));
      assert.equal(Object.keys(expected).length, 12, `${fqdn}: the files provisioning installs`);
      assert.deepEqual(written.get(fqdn), expected, `${fqdn}: one trigger per written file, its hash`);
    }

    const alone = triggersIn(Testing.synth(twoHostStack(Testing.app())));
    assert.deepEqual(alone, written, 'resolved without a synth, the triggers come from the same renderers');
  });

  it('are the same for hosts with the same settings, whose files differ only in host.json', async () => {
    const app = Testing.app();
    const stack = twoHostStack(app);
    const [first, second] = [...triggersIn(Testing.synth(stack)).values()];
    assert.deepEqual(second, first);

    await stack.prepare();
    const job = stack.policyJob();
    assert.ok(job);
    const files = unpackArtifacts(job.artifacts);
    const hostFiles = (fqdn: string) => [...files].filter(([path]) => path.startsWith(`hosts/${fqdn}/rootfs/`));
    assert.equal(hostFiles(FQDNS[0]).length, 12);
    for (const [index, [path, file]] of hostFiles(FQDNS[1]).entries()) {
      const [otherPath, other] = hostFiles(FQDNS[0])[index];
      assert.equal(path.replace(FQDNS[1], FQDNS[0]), otherPath);
      assert.equal(file.content, other.content, `${path} is the same text on both hosts`);
    }
    const distinct = new Set(job.artifacts.texts).size;
    assert.equal(job.artifacts.texts.length, distinct, 'each distinct text is packed once');
    assert.equal(job.artifacts.paths.length - job.artifacts.texts.length, 12, "the second host's 12 rootfs files are not sent again");
    assert.notEqual(files.get(`hosts/${FQDNS[0]}/host.json`)?.content, files.get(`hosts/${FQDNS[1]}/host.json`)?.content);
  });

  it('pack and unpack keep every path and its text, in order', () => {
    const files = new Map([
      ['a', { content: 'same', mode: 0o644, trigger: 't1' }],
      ['b', { content: 'other', mode: 0o644 }],
      ['c', { content: 'same', mode: 0o644, trigger: 't1' }],
      ['d', { content: 'same', mode: 0o644 }],
    ]);
    const packed = packArtifacts(files);
    assert.deepEqual(packed.texts, ['same', 'other', 'same']);
    assert.deepEqual([...unpackArtifacts(packed)].map(([path, file]) => [path, file.content]), [...files].map(([path, file]) => [path, file.content]));
  });
});
