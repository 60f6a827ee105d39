/**
 * The synth-time policy on its own thread (lib/synth/policy-thread.ts): the
 * worker's answers are the main thread's, a synth gives the same output,
 * errors and warnings with it as without it, and when the worker cannot
 * answer the main thread checks the stack itself.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { App, TerraformStack } from 'cdktf';
import { ListhostStack, MailingListHost, synthesize } from '../../lib';
import { runSynthPolicy } from '../../lib/policy/synth-validation';
import { PolicyThread, wantsPolicyThread } from '../../lib/synth/policy-thread';
import type { HostModel } from '../../lib/model/types';
import { unpackArtifacts, type PolicyJob, type PolicyVerdict } from '../../lib/synth/policy-thread-protocol';
import { hostProps, STACK_PROPS } from '../helpers/example-props';
import { treeDigests } from '../helpers/tree';

const scratch = mkdtempSync(join(tmpdir(), 'listhost-policy-thread-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

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

/**
 * Synthesizes the app with LISTHOST_POLICY_THREAD set, recording what the
 * thread answered (so a test knows the worker did the checking, not the
 * main thread's fallback).
 */
async function synthWith(setting: 'on' | 'off', app: App): Promise<{ error?: Error; answered: (PolicyVerdict | undefined)[] }> {
  const before = process.env.LISTHOST_POLICY_THREAD;
  const answers = PolicyThread.prototype.answers;
  const answered: (PolicyVerdict | undefined)[] = [];
  process.env.LISTHOST_POLICY_THREAD = setting;
  PolicyThread.prototype.answers = function (this: PolicyThread) {
    const result = answers.call(this);
    answered.push(...result.values());
    return result;
  };
  try {
    await synthesize(app);
    return { answered };
  } catch (error) {
    return { error: error as Error, answered };
  } finally {
    PolicyThread.prototype.answers = answers;
    if (before === undefined) delete process.env.LISTHOST_POLICY_THREAD;
    else process.env.LISTHOST_POLICY_THREAD = before;
  }
}

/** fleetApp's stacks, prepared, and every host of the app (what a PolicyThread is made with). */
async function preparedFleet(faulty: boolean): Promise<{ stacks: ListhostStack[]; everyHost: HostModel[] }> {
  const { stacks } = fleetApp(join(scratch, 'unused'), faulty);
  for (const stack of stacks) await stack.prepare();
  return { stacks, everyHost: stacks.flatMap((stack) => stack.hosts) };
}

/** The job a stack's validation sends the thread. */
function jobOf(stack: ListhostStack): PolicyJob {
  const job = stack.policyJob();
  assert.ok(job, `${stack.node.id} is prepared`);
  return job;
}

describe('PolicyThread', () => {
  it('answers each stack with the errors and warnings the main thread finds, in the order sent', async () => {
    const { stacks, everyHost } = await preparedFleet(true);
    const thread = new PolicyThread(everyHost, { maxPending: 1 });
    try {
      const jobs = stacks.map(jobOf);
      for (const job of jobs) thread.check(job);
      thread.check(jobs[1]); // validated twice: answered once
      const answers = thread.answers();
      assert.deepEqual([...answers.keys()], stacks.map((stack) => stack.node.path));
      let errors = 0;
      let warnings = 0;
      for (const job of jobs) {
        const verdict = answers.get(job.key);
        assert.ok(verdict, `the thread answered ${job.stack}`);
        // What the worker runs for a job, here on the main thread.
        const onMain = runSynthPolicy({ stack: job.stack, hosts: job.hosts, artifacts: unpackArtifacts(job.artifacts), appHosts: everyHost });
        assert.deepEqual(verdict.errors, onMain.errors, job.stack);
        assert.deepEqual(verdict.warnings, onMain.warnings, job.stack);
        errors += verdict.errors.length;
        warnings += verdict.warnings.length;
      }
      assert.deepEqual([errors, warnings], [1, 1], 'one LH012 error and one LH016 warning, both in lists-b');
      assert.equal(thread.status, 'running');
    } finally {
      thread.close();
    }
    assert.equal(thread.status, 'closed');
  });

  it('gives no answer (the caller checks the stack itself) when its worker fails to load or never answers', async () => {
    const { stacks, everyHost } = await preparedFleet(false);
    const throwing = join(scratch, 'throwing-worker.js');
    writeFileSync(throwing, "throw new Error('cannot load');\n");
    const silent = join(scratch, 'silent-worker.js');
    writeFileSync(silent, "require('node:worker_threads').parentPort.on('message', () => {});\n");

    const failing = new PolicyThread(everyHost, { entry: throwing });
    for (const stack of stacks) failing.check(jobOf(stack));
    assert.deepEqual([...failing.answers()], stacks.map((stack) => [stack.node.path, undefined]));
    assert.equal(failing.status, 'failed');

    const hanging = new PolicyThread(everyHost, { entry: silent, watchdogMs: 300, maxPending: 5 });
    for (const stack of stacks) hanging.check(jobOf(stack));
    assert.deepEqual([...hanging.answers()], stacks.map((stack) => [stack.node.path, undefined]));
    assert.equal(hanging.status, 'timed out', 'past the watchdog the thread is closed');
  });

  it('stops waiting when its worker exits without answering', async () => {
    const { stacks, everyHost } = await preparedFleet(false);
    // The real worker module, behind a listener that ends the thread on the first job.
    const dying = join(scratch, 'dying-worker.ts');
    writeFileSync(
      dying,
      `require('node:worker_threads').parentPort.on('message', () => process.exit(3));\nrequire(${JSON.stringify(require.resolve('../../lib/synth/policy-thread-worker'))});\n`,
    );
    // Without the worker's own report of its exit, only the watchdog would end the wait. It is
    // long: loading the real worker through tsx takes seconds on a loaded machine, and a
    // watchdog that fired first would fail this test for the wrong reason.
    const thread = new PolicyThread(everyHost, { entry: dying, watchdogMs: 60_000 });
    for (const stack of stacks) thread.check(jobOf(stack));
    assert.deepEqual([...thread.answers()], stacks.map((stack) => [stack.node.path, undefined]));
    assert.equal(thread.status, 'failed', 'the worker said it exited; the watchdog did not fire');
    thread.close();
  });

  it('is used from 500 hosts on 2 or more CPUs unless LISTHOST_POLICY_THREAD says otherwise', () => {
    assert.equal(wantsPolicyThread(10, { LISTHOST_POLICY_THREAD: 'on' }), true);
    assert.equal(wantsPolicyThread(10_000, { LISTHOST_POLICY_THREAD: 'off' }), false);
    assert.equal(wantsPolicyThread(499, {}), false);
    assert.equal(wantsPolicyThread(500, {}), availableParallelism() >= 2);
    assert.throws(() => wantsPolicyThread(10, { LISTHOST_POLICY_THREAD: 'yes' }), /LISTHOST_POLICY_THREAD must be on, off or auto \(got "yes"\)/);
  });
});

describe('synthesize(app) with and without the policy thread', () => {
  /** Runs `build` under both settings from one call site (a manifest may record the caller's stack). */
  async function bothWays(build: (outdir: string) => App): Promise<{ outdir: string; error?: Error; answered: (PolicyVerdict | undefined)[] }[]> {
    const results = [];
    for (const setting of ['on', 'off'] as const) {
      const outdir = mkdtempSync(join(scratch, `${setting}-`));
      results.push({ outdir, ...(await synthWith(setting, build(outdir))) });
    }
    return results;
  }

  it('writes byte-identical output, warnings (manifest annotations) included', async () => {
    const [on, off] = await bothWays((outdir) => {
      const { app, stacks } = fleetApp(outdir, false);
      // A host without contacts: a warning, not an error, so the synth completes.
      const props = hostProps('lists9001.example.org', 'dc1', 'A');
      new MailingListHost(stacks[1], 'lists9001', { ...props, contacts: [] });
      return app;
    });
    assert.equal(on.error ?? off.error, undefined);
    assert.equal(on.answered.length, 3, 'the worker answered every stack');
    assert.ok(on.answered.every((verdict) => verdict !== undefined), 'none fell back to the main thread');
    assert.deepEqual(off.answered, [], 'no thread when off');
    const [onTree, offTree] = [on.outdir, off.outdir].map(treeDigests);
    assert.deepEqual([...onTree], [...offTree]);
    const manifest = JSON.parse(readFileSync(join(on.outdir, 'manifest.json'), 'utf8'));
    const annotations = manifest.stacks['lists-b'].annotations as { constructPath: string; level: string; message: string; stacktrace?: unknown }[];
    assert.deepEqual(
      annotations.map((a) => [a.constructPath, a.level, a.stacktrace]),
      [['lists-b/lists9001', '@cdktf/warn', undefined]],
    );
    assert.match(annotations[0].message, /^\[LH016\] lists9001\.example\.org has no contacts/);
  });

  it('fails with the same message, naming the stack, the host and the rule, and writes nothing', async () => {
    const [on, off] = await bothWays((outdir) => fleetApp(outdir, true).app);
    assert.ok(on.error && off.error);
    assert.equal(on.error.message, off.error.message);
    assert.match(on.error.message, /\[lists-b\] \[lists-b\/lists2001\] \[LH012\] lists2001\.example\.org runs config-management agent puppet 2\.7/);
    assert.ok(on.answered.length > 0 && on.answered.every((verdict) => verdict !== undefined), 'the worker answered');
    for (const { outdir } of [on, off]) {
      assert.deepEqual(readdirSync(outdir).filter((name) => name !== 'stacks'), [], 'no manifest, no stack');
      assert.deepEqual(readdirSync(join(outdir, 'stacks')), []);
    }
  });

  it('reports the policy failure of a stack before another error of a later stack, as cdktf would', async () => {
    const [on, off] = await bothWays((outdir) => {
      const { app, stacks } = fleetApp(outdir, true);
      stacks[2].node.addValidation({ validate: () => ['lists-c is broken'] });
      return app;
    });
    assert.ok(on.error && off.error);
    assert.match(off.error.message, /\[LH012\]/);
    assert.equal(on.error.message, off.error.message);
  });

  it('leaves the policy to the main thread for a ListhostStack nested in another stack', async () => {
    const [on, off] = await bothWays((outdir) => {
      const app = new App({ outdir });
      const outer = new TerraformStack(app, 'outer');
      const stack = new ListhostStack(outer, 'lists-inner', STACK_PROPS);
      const props = hostProps('lists1001.example.org', 'dc1', 'A');
      new MailingListHost(stack, 'lists1001', { ...props, contacts: [] });
      return app;
    });
    assert.equal(on.error ?? off.error, undefined);
    assert.deepEqual(on.answered, [], 'no thread');
    const [onTree, offTree] = [on.outdir, off.outdir].map(treeDigests);
    assert.deepEqual([...onTree], [...offTree]);
  });
});
