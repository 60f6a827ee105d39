/**
 * What `synthesize(app)` refuses for the whole app, before anything is
 * written: a host declared in two stacks (each stack refuses a second one
 * itself; `listhost lint` refuses such an output), hosts of a stack that
 * disagree on what its fleet-wide rules need, and a policy failure
 * under cdktf's `skipValidation`, which skips every construct's validations
 * but not the listhost policy's mandatory checks.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { App } from 'cdktf';
import { ListhostStack, MailingListHost, synthesize } from '../../lib';
import { hostProps, STACK_PROPS } from '../helpers/example-props';

describe('synthesize(app) refuses for the whole app', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'listhost-guards-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  /** An app with stacks `a` and `b` in a fresh output directory; nothing is in it yet. */
  function twoStacks(name: string, options: { skipValidation?: boolean } = {}) {
    const outdir = join(scratch, name);
    const app = new App({ outdir, skipValidation: options.skipValidation });
    return { app, outdir, a: new ListhostStack(app, 'a', STACK_PROPS), b: new ListhostStack(app, 'b', STACK_PROPS) };
  }

  const written = (outdir: string) => (existsSync(join(outdir, 'stacks')) ? readdirSync(join(outdir, 'stacks')) : []);

  it('a host declared in two stacks, naming both construct paths', async () => {
    const { app, outdir, a, b } = twoStacks('twice');
    new MailingListHost(a, 'lists1001', hostProps('lists1001.example.org'));
    new MailingListHost(b, 'lists2001', hostProps('lists2001.example.org', 'dc2', 'B'));
    new MailingListHost(b, 'again', hostProps('lists1001.example.org'));
    await assert.rejects(
      synthesize(app),
      /^ListhostPropError: b\/again: prop 'fqdn' is "lists1001\.example\.org", which is already declared by a\/lists1001 in another stack; declare each host once in the app\.$/m,
    );
    assert.deepEqual(written(outdir), []);
    assert.equal(existsSync(join(outdir, 'manifest.json')), false);
  });

  it('two hosts of a stack with different filesystem thresholds, naming both construct paths and the prop', async () => {
    const { app, outdir, a } = twoStacks('thresholds');
    new MailingListHost(a, 'lists1001', hostProps('lists1001.example.org'));
    new MailingListHost(a, 'lists2001', { ...hostProps('lists2001.example.org', 'dc2', 'B'), filesystemThresholds: { inodesFreeWarningPercent: 30 } });
    await assert.rejects(synthesize(app), (error: Error) => {
      assert.equal(
        error.message,
        'a: a/lists1001 (20) and a/lists2001 (30) disagree on prop filesystemThresholds.inodesFreeWarningPercent: a stack\'s monitoring rules are fleet-wide, ' +
          'so every host of the stack needs the same value; set it alike on each, or declare the hosts in separate stacks',
      );
      return true;
    });
    assert.deepEqual(written(outdir), []);
  });

  it('under skipValidation, a host the policy fails (LH011: another OS release), with why the flag does not skip it', async () => {
    const { app, outdir, a, b } = twoStacks('skip', { skipValidation: true });
    new MailingListHost(a, 'lists1001', hostProps('lists1001.example.org'));
    const old = hostProps('lists2001.example.org', 'dc2', 'B');
    new MailingListHost(b, 'lists2001', { ...old, platform: { ...old.platform, release: '11' } });
    await assert.rejects(synthesize(app), (error: Error) => {
      assert.match(error.message, /^cdktf-listhost: the App's skipValidation does not skip the listhost policy, whose checks are mandatory\. b fails it:\n {2}\[b\] \[b\/lists2001\] \[LH011\] /);
      return true;
    });
    assert.deepEqual(written(outdir), []);
  });

  it('under skipValidation, a compliant app still synthesizes', async () => {
    const { app, outdir, a, b } = twoStacks('skip-ok', { skipValidation: true });
    new MailingListHost(a, 'lists1001', hostProps('lists1001.example.org'));
    new MailingListHost(b, 'lists2001', hostProps('lists2001.example.org', 'dc2', 'B'));
    await synthesize(app);
    assert.deepEqual(written(outdir).sort(), ['a', 'b']);
  });
});
