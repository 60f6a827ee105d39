/**
 * The app's last step. cdktf's construct tree is synchronous and the jsonnet
 * binding is Promise-only, so monitoring is evaluated here, once per stack,
 * before `app.synth()` writes everything.
 */
import type { App } from '../cdktf';
import { ListhostStack } from '../constructs/listhost-stack';

export async function synthesize(app: App): Promise<void> {
  const stacks = app.node.findAll().filter((node): node is ListhostStack => node instanceof ListhostStack);
  for (const stack of stacks) await stack.prepare();
  app.synth();
}
