/**
 * The app's last step. cdktf's construct tree is synchronous and the jsonnet
 * binding is Promise-only, so monitoring is evaluated here, once per stack,
 * before `app.synth()` writes everything.
 */
import type { App } from '../cdktf';
import { ListhostStack } from '../constructs/listhost-stack';

export async function synthesize(app: App): Promise<void> {
  const stacks = app.node.findAll().filter((node): node is ListhostStack => node instanceof ListhostStack);
  // All stacks at once: each renders what it can while the jsonnet evaluations
  // (shared by stacks with the same config) run on their worker thread. The
  // first failing stack in tree order is reported, as when they ran in turn.
  const prepared = await Promise.allSettled(stacks.map((stack) => stack.prepare()));
  const failed = prepared.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
  app.synth();
}
