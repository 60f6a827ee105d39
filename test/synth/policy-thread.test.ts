/**
 * The synth-time policy on its own thread (lib/synth/policy-thread.ts): the
 * worker's answers are the main thread's, a synth gives the same output,
 * errors and warnings with it as without it, and when the worker cannot
 * answer the main thread checks the stack itself.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { App } from 'cdktf';
import { ListhostStack, MailingListHost, synthesize } from '../../lib';
import { runSynthPolicy } from '../../lib/policy/synth-validation';
import { PolicyThread, wantsPolicyThread } from '../../lib/synth/policy-thread';
import type { PolicyJob } from '../../lib/synth/policy-thread-protocol';
import { hostProps, STACK_PROPS } from '../helpers/example-props';
import { treeDigests } from '../helpers/tree';

const scratch = mkdtempSync(join(tmpdir(), 'listhost-policy-thread-'));
after(() => { if (!process.env.KEEP) rmSync(scratch, { recursive: true, force: true }); });

/** Three stacks; lists-b has a host on an old agent (LH012, error) and one without contacts (LH016, warning). */
function fleetApp(outdir: string, faulty: boolean): { app: App; stacks: ListhostStack[] } {
  const app = new App({ outdir });
  const stacks = ['lists-a', 'lists-b', 'lists-c'].map((id, s) => {
    const stack = new ListhostStack(app, id, STACK_PROPS);
    for (let i = 0; i < 4; i++) {
      const fqdn = `lists${s + 1}00${i}.example.org`;
      const props = hostProps(fqdn, s % 2 === 0 ? 'dc1' : 'dc2', 'A');
      const bad = faulty && id === 'lists-b';
      new MailingListHost(stack, `lists${s + 1}00${i}`, {
        ...props,
        platform: bad && i === 1 ? { ...props.platform, agent: { name: 'puppet', version: '2.7' } } : props.platform,
        contacts: bad && i === 2 ? [] : props.contacts,
      });
    }
    return stack;
  });
  return { app, stacks };
}

async function synthWith(setting: 'on' | 'off', faulty: boolean): Promise<{ outdir: string; error?: Error }> {
  const outdir = mkdtempSync(join(scratch, `${setting}-`));
  const before = process.env.LISTHOST_POLICY_THREAD;
  process.env.LISTHOST_POLICY_THREAD = setting;
  try {
    await synthesize(fleetApp(outdir, faulty).app);
    return { outdir };
  } catch (error) {
    return { outdir, error: error as Error };
  } finally {
    if (before === undefined) delete process.env.LISTHOST_POLICY_THREAD;
    else process.env.LISTHOST_POLICY_THREAD = before;
  }
}

/** A stack's job as its validation sends it (ListhostStack's policyJob). */
function jobOf(stack: ListhostStack, everyHost: readonly { fqdn: string }[]): { job: PolicyJob; input: Parameters<typeof runSynthPolicy>[0] } {
  const hosts = stack.node.children.filter((c): c is MailingListHost => c instanceof MailingListHost).map((h) => ({ model: h.model, constructPath: h.node.path }));
  const artifacts = (stack as unknown as { artifacts: ReadonlyMap<string, { content: string }> }).artifacts;
  const files = new Map([...artifacts].map(([path, file]) => [path, file.content]));
  return { job: { key: stack.node.path, stack: stack.node.id, hosts, files }, input: { stack: stack.node.id, hosts, artifacts, appHosts: everyHost as never } };
}

describe('PolicyThread', () => {
  it('answers each stack with the errors and warnings the main thread finds, in the order sent', async () => {
    const { stacks } = fleetApp(join(scratch, 'unused'), true);
    for (const stack of stacks) await stack.prepare();
    const everyHost = stacks.flatMap((stack) => stack.hosts);
    const thread = new PolicyThread(everyHost, { maxPending: 1 });
    try {
      const jobs = stacks.map((stack) => jobOf(stack, everyHost));
      for (const { job } of jobs) thread.check(job);
      thread.check(jobs[1].job); // validated twice: answered once
      const answers = thread.answers();
      assert.deepEqual([...answers.keys()], stacks.map((stack) => stack.node.path));
      let errors = 0;
      let warnings = 0;
      for (const { job, input } of jobs) {
        const verdict = answers.get(job.key);
        assert.ok(verdict, `the thread answered ${job.stack}`);
        const onMain = runSynthPolicy(input);
        assert.deepEqual(verdict.errors, onMain.errors, job.stack);
        assert.deepEqual(verdict.warnings, onMain.warnings, job.stack);
        errors += verdict.errors.length;
        warnings += verdict.warnings.length;
      }
      assert.deepEqual([errors, warnings], [1, 1], 'one LH012 error and one LH016 warning, both in lists-b');
      assert.equal(thread.failed, false);
    } finally {
      thread.close();
    }
    assert.equal(thread.failed, true, 'closed');
  });

  it('gives no answer (the caller checks the stack itself) when its worker fails to load or never answers', async () => {
    const { stacks } = fleetApp(join(scratch, 'unused'), false);
    for (const stack of stacks) await stack.prepare();
    const everyHost = stacks.flatMap((stack) => stack.hosts);
    const throwing = join(scratch, 'throwing-worker.js');
    writeFileSync(throwing, "throw new Error('cannot load');\n");
    const silent = join(scratch, 'silent-worker.js');
    writeFileSync(silent, "require('node:worker_threads').parentPort.on('message', () => {});\n");

    const failing = new PolicyThread(everyHost, { entry: throwing });
    for (const stack of stacks) failing.check(jobOf(stack, everyHost).job);
    assert.deepEqual([...failing.answers()], stacks.map((stack) => [stack.node.path, undefined]));
    assert.equal(failing.failed, true);

    const hanging = new PolicyThread(everyHost, { entry: silent, watchdogMs: 300, maxPending: 5 });
    for (const stack of stacks) hanging.check(jobOf(stack, everyHost).job);
    assert.deepEqual([...hanging.answers()], stacks.map((stack) => [stack.node.path, undefined]));
    assert.equal(hanging.failed, true, 'past the watchdog the thread is closed');
  });

  it('is used from 500 hosts on 2 or more CPUs unless LISTHOST_POLICY_THREAD says otherwise', () => {
    assert.equal(wantsPolicyThread(10, { LISTHOST_POLICY_THREAD: 'on' }), true);
    assert.equal(wantsPolicyThread(10_000, { LISTHOST_POLICY_THREAD: 'off' }), false);
    assert.equal(wantsPolicyThread(499, {}), false);
    assert.throws(() => wantsPolicyThread(10, { LISTHOST_POLICY_THREAD: 'yes' }), /LISTHOST_POLICY_THREAD must be on, off or auto \(got "yes"\)/);
  });
});

describe('synthesize(app) with and without the policy thread', () => {
  it('writes byte-identical output, warnings (manifest annotations) included', async () => {
    const warningOnly = async (setting: 'on' | 'off') => {
      const outdir = mkdtempSync(join(scratch, `warn-${setting}-`));
      const { app, stacks } = fleetApp(outdir, false);
      // A host without contacts: a warning, not an error, so the synth completes.
      const props = hostProps('lists9001.example.org', 'dc1', 'A');
      new MailingListHost(stacks[1], 'lists9001', { ...props, contacts: [] });
      const before = process.env.LISTHOST_POLICY_THREAD;
      process.env.LISTHOST_POLICY_THREAD = setting;
      try {
        await synthesize(app);
      } finally {
        if (before === undefined) delete process.env.LISTHOST_POLICY_THREAD;
        else process.env.LISTHOST_POLICY_THREAD = before;
      }
      return outdir;
    };
    // One call site: the manifest's annotations carry the stack trace of the synth's caller.
    const outdirs: string[] = [];
    for (const setting of ['on', 'off'] as const) outdirs.push(await warningOnly(setting));
    const [on, off] = outdirs.map(treeDigests);
    assert.deepEqual([...on.keys()], [...off.keys()]);
    for (const [path, text] of off) assert.equal(on.get(path), text, path);
    const manifest = JSON.parse(readFileSync(join(outdirs[0], 'manifest.json'), 'utf8'));
    const annotations = manifest.stacks['lists-b'].annotations as { constructPath: string; level: string; message: string }[];
    assert.deepEqual(
      annotations.map((a) => [a.constructPath, a.level]),
      [['lists-b/lists9001', '@cdktf/warn']],
    );
    assert.match(annotations[0].message, /^\[LH016\] lists9001\.example\.org has no contacts/);
  });

  it('fails with the same message, naming the stack, the host and the rule, and writes nothing', async () => {
    const on = await synthWith('on', true);
    const off = await synthWith('off', true);
    assert.ok(on.error && off.error);
    assert.equal(on.error.message, off.error.message);
    assert.match(on.error.message, /\[lists-b\] \[lists-b\/lists2001\] \[LH012\] lists2001\.example\.org runs config-management agent puppet 2\.7/);
    for (const { outdir } of [on, off]) {
      assert.deepEqual(readdirSync(outdir).filter((name) => name !== 'stacks'), [], 'no manifest, no stack');
      assert.deepEqual(readdirSync(join(outdir, 'stacks')), []);
    }
  });
});
