/**
 * The app's last step. cdktf's construct tree is synchronous and the jsonnet
 * binding is Promise-only, so monitoring is evaluated here, once per stack,
 * before `app.synth()` writes everything.
 *
 * The whole output is written aside and swapped in at once (atomic-outdir.ts),
 * with generation markers (generation.ts): a synth killed at any moment
 * leaves the previous complete output or the new one.
 */
import type { App } from '../cdktf';
import { ListhostStack } from '../constructs/listhost-stack';
import { propErrors } from '../errors';
import { stageOutdir } from './atomic-outdir';
import type { PolicyThread } from './policy-thread';
import { completePolicy, policyFailure, startPolicyThread, validationErrorList } from './policy-thread-report';
import { writeGenerationMarkers } from './generation';

/**
 * One of the two places that reach into cdktf's App (the other rewrites its
 * manifest, policy-thread-report.ts): it keeps its output directory
 * in two plain properties, `outdir` (the session's outdir, where each stack
 * is written) and `manifest.outdir` (where manifest.json goes), both read
 * only by `app.synth()`. The App constructor has already created
 * `<outdir>/stacks`; the staging directory gets its own.
 */
function redirectOutput(app: App, directory: string): () => void {
  const target = app as unknown as { outdir: string; manifest: { outdir: string } };
  const before = { outdir: target.outdir, manifest: target.manifest.outdir };
  if (typeof before.outdir !== 'string' || typeof before.manifest !== 'string') {
    throw new Error('cdktf-listhost: this cdktf App keeps no outdir/manifest.outdir; the staged synthesis needs cdktf 0.20-0.21 or the cdktn fork');
  }
  target.outdir = directory;
  target.manifest.outdir = directory;
  return () => {
    target.outdir = before.outdir;
    target.manifest.outdir = before.manifest;
  };
}

/** Each host is declared once in the app (a stack rejects a second one itself): `listhost lint` rejects an output with one fqdn in two stacks. */
function assertHostsDeclaredOnce(stacks: readonly ListhostStack[]): void {
  const seen = new Map<string, string>();
  for (const stack of stacks) {
    for (const [fqdn, path] of stack.hostDeclarations()) {
      const other = seen.get(fqdn);
      if (other !== undefined) {
        throw propErrors.conflict(path, 'fqdn', fqdn, `is already declared by ${other} in another stack; declare each host once in the app`);
      }
      seen.set(fqdn, path);
    }
  }
}

/**
 * cdktf's `skipValidation` skips every construct's validations, the
 * policy's with them; its checks are mandatory, so they run here instead,
 * before anything is written, and the error says why.
 */
function runMandatoryPolicy(stacks: readonly ListhostStack[]): void {
  for (const stack of stacks) {
    const errors = stack.completePolicy(undefined);
    if (errors.length > 0) {
      throw new Error(
        `cdktf-listhost: the App's skipValidation does not skip the listhost policy, whose checks are mandatory. ${stack.node.path} fails it:\n  ` +
          validationErrorList(stack, errors),
      );
    }
  }
}

export async function synthesize(app: App): Promise<void> {
  const stacks = app.node.findAll().filter((node): node is ListhostStack => node instanceof ListhostStack);
  assertHostsDeclaredOnce(stacks);
  // All stacks at once: each renders what it can while the jsonnet evaluations
  // (shared by stacks with the same config) run on their worker thread. The
  // first failing stack in tree order is reported, as when they ran in turn.
  const prepared = await Promise.allSettled(stacks.map((stack) => stack.prepare()));
  const failed = prepared.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
  if (app.skipValidation) runMandatoryPolicy(stacks);

  const staged = stageOutdir((app as unknown as { outdir: string }).outdir);
  const restore = redirectOutput(app, staged.tree);
  let thread: PolicyThread | undefined;
  try {
    thread = startPolicyThread(app, stacks);
    try {
      app.synth();
    } catch (error) {
      // Without the thread, a stack the policy fails stops app.synth() before
      // any later stack's error: report it first here too.
      throw (thread && policyFailure(stacks, thread.answers())) || error;
    }
    if (thread) completePolicy(app, stacks, thread);
    writeGenerationMarkers(staged.tree, new Map(stacks.map((stack) => [stack.node.id, stack.writtenDigest ?? '-'])));
  } catch (error) {
    staged.abandon();
    throw error;
  } finally {
    restore();
    thread?.close();
    for (const stack of stacks) stack.policyThread = undefined;
  }
  try {
    staged.commit();
  } catch (error) {
    // Before the swap the previous output is untouched; after it, the next synth finishes the carry-over.
    staged.abandon();
    throw error;
  }
}
