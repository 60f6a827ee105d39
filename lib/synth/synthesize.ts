/**
 * The app's last step. cdktf's construct tree is synchronous and the jsonnet
 * binding is Promise-only, so monitoring is evaluated here, once per stack,
 * before `app.synth()` writes everything.
 *
 * The whole output is written aside and swapped in at once (atomic-outdir.ts),
 * with generation markers (generation.ts): a synth killed at any moment
 * leaves the previous complete output or the new one.
 */
import { AnnotationMetadataEntryType, TerraformStack, type App } from '../cdktf';
import { ListhostStack } from '../constructs/listhost-stack';
import { stageOutdir } from './atomic-outdir';
import { PolicyThread, wantsPolicyThread } from './policy-thread';
import type { PolicyVerdict } from './policy-thread-protocol';
import { writeGenerationMarkers } from './generation';

/**
 * The one place that reaches into cdktf's App: it keeps its output directory
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

/**
 * The policy thread for a large enough app (policy-thread.ts), attached to
 * its stacks. Not when cdktf skips validations, and not when a ListhostStack
 * is nested in another stack: cdktf then validates it with the outer stack
 * too, and only the policy on the main thread reports that the same way.
 */
function startPolicyThread(app: App, stacks: readonly ListhostStack[]): PolicyThread | undefined {
  const hosts = stacks.flatMap((stack) => stack.hosts);
  if (!wantsPolicyThread(hosts.length) || app.skipValidation) return undefined;
  if (stacks.some((stack) => stack.node.scopes.some((scope) => scope !== stack && TerraformStack.isStack(scope)))) return undefined;
  const thread = new PolicyThread(hosts.map(({ fqdn, platform }) => ({ fqdn, platform })));
  for (const stack of stacks) stack.policyThread = thread;
  return thread;
}

/** cdktf's own failure for a stack's validation errors (errors.js stackValidationFailure), word for word. */
function stackValidationFailure(stack: ListhostStack, errors: readonly string[]): Error {
  const list = errors.map((error) => `[${stack.node.path}] ${error}`).join('\n  ');
  return new Error(`Validation failed with the following errors:\n  ${list}\n\nIf you wish to ignore these validations, pass 'skipValidation: true' to your App configuration.\n`);
}

const ANNOTATION_LEVELS: readonly string[] = [AnnotationMetadataEntryType.INFO, AnnotationMetadataEntryType.WARN, AnnotationMetadataEntryType.ERROR];

/**
 * The first stack, in the order cdktf validated them, that the policy fails,
 * as cdktf's own validation failure. Adds the warnings of the stacks before
 * it (of all, when none fails) as annotations, as the validations would have.
 */
function policyFailure(stacks: readonly ListhostStack[], answers: ReadonlyMap<string, PolicyVerdict | undefined>): Error | undefined {
  for (const stack of stacks) {
    // A stack not sent was not validated: app.synth() stopped before it.
    if (!answers.has(stack.node.path)) continue;
    const errors = stack.completePolicy(answers.get(stack.node.path));
    if (errors.length > 0) return stackValidationFailure(stack, errors);
  }
  return undefined;
}

/**
 * The policy thread's answers, reported as the stacks' validations would
 * have been: the first stack with errors fails the synth; the warnings
 * become annotations, and manifest.json, which `app.synth()` wrote with each
 * stack's annotations, is written again with them, the way cdktf collects
 * them.
 */
function completePolicy(app: App, stacks: readonly ListhostStack[], thread: PolicyThread): void {
  const answers = thread.answers();
  const failure = policyFailure(stacks, answers);
  if (failure) throw failure;
  const manifest = (app as unknown as { manifest: { forStack(stack: ListhostStack): { annotations: unknown }; writeToFile(): void } }).manifest;
  for (const stack of stacks) {
    if (!answers.has(stack.node.path)) continue;
    manifest.forStack(stack).annotations = stack.node.findAll().flatMap((node) =>
      node.node.metadata
        .filter((entry) => ANNOTATION_LEVELS.includes(entry.type))
        .map((entry) => ({ constructPath: node.node.path, level: entry.type, message: entry.data, stacktrace: entry.trace })),
    );
  }
  manifest.writeToFile();
}

export async function synthesize(app: App): Promise<void> {
  const stacks = app.node.findAll().filter((node): node is ListhostStack => node instanceof ListhostStack);
  // All stacks at once: each renders what it can while the jsonnet evaluations
  // (shared by stacks with the same config) run on their worker thread. The
  // first failing stack in tree order is reported, as when they ran in turn.
  const prepared = await Promise.allSettled(stacks.map((stack) => stack.prepare()));
  const failed = prepared.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;

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
