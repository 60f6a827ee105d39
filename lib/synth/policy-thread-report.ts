/**
 * What `synthesize(app)` does with the policy thread (policy-thread.ts):
 * starts it for a large enough app, and reports its answers as the stacks'
 * cdktf validations would have reported them.
 */
import { AnnotationMetadataEntryType, stackValidationFailure, TerraformStack, type App } from '../cdktf';
import type { ListhostStack } from '../constructs/listhost-stack';
import { PolicyThread, wantsPolicyThread } from './policy-thread';
import type { PolicyVerdict } from './policy-thread-protocol';

/**
 * The policy thread for a large enough app (policy-thread.ts), attached to
 * its stacks. Not when cdktf skips validations, and not when a ListhostStack
 * is nested in another stack: cdktf then validates it with the outer stack
 * too, and only the policy on the main thread reports that the same way.
 */
export function startPolicyThread(app: App, stacks: readonly ListhostStack[]): PolicyThread | undefined {
  const hosts = stacks.flatMap((stack) => stack.hosts);
  if (!wantsPolicyThread(hosts.length) || app.skipValidation) return undefined;
  if (stacks.some((stack) => stack.node.scopes.some((scope) => scope !== stack && TerraformStack.isStack(scope)))) return undefined;
  const thread = new PolicyThread(hosts.map(({ fqdn, platform }) => ({ fqdn, platform })));
  for (const stack of stacks) stack.policyThread = thread;
  return thread;
}

/** A stack's validation errors, listed as cdktf's runAllValidations lists them. */
export function validationErrorList(stack: ListhostStack, errors: readonly string[]): string {
  return errors.map((error) => `[${stack.node.path}] ${error}`).join('\n  ');
}

/** cdktf's own failure for a stack's validation errors. */
function validationFailure(stack: ListhostStack, errors: readonly string[]): Error {
  return stackValidationFailure(validationErrorList(stack, errors));
}

const ANNOTATION_LEVELS: readonly string[] = [AnnotationMetadataEntryType.INFO, AnnotationMetadataEntryType.WARN, AnnotationMetadataEntryType.ERROR];

/**
 * The first stack, in the order cdktf validated them, that the policy fails,
 * as cdktf's own validation failure. Adds the warnings of the stacks before
 * it (of all, when none fails) as annotations, as the validations would have.
 */
export function policyFailure(stacks: readonly ListhostStack[], answers: ReadonlyMap<string, PolicyVerdict | undefined>): Error | undefined {
  for (const stack of stacks) {
    // A stack not sent was not validated: app.synth() stopped before it.
    if (!answers.has(stack.node.path)) continue;
    const errors = stack.completePolicy(answers.get(stack.node.path));
    if (errors.length > 0) return validationFailure(stack, errors);
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
export function completePolicy(app: App, stacks: readonly ListhostStack[], thread: PolicyThread): void {
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
