/**
 * Benchmark side (a): N mailing-list hosts over the fleet's stacks, full
 * synthesis through `synthesize(app)` (host models, validations, rootfs
 * renderers, the jsonnet mixin once per stack, every monitoring artifact,
 * then `app.synth()` writing cdktf.out).
 *
 * Usage: node dist/bench/apps/listhost-app.js --hosts N --outdir DIR [--per-stack 100]
 * Prints one JSON line (AppReport) on stdout.
 */
import { performance } from 'node:perf_hooks';
import { App } from 'cdktf';
import { ListhostStack, MailingListHost, synthesize } from '../../lib';
import { LISTS_STACK_PROPS, listHostProps } from '../../examples/wikimedia-lists/fleet';
import { appArguments, type AppReport } from './fleet';

async function main(): Promise<void> {
  const loadMs = performance.now();
  const argv = process.argv.slice(2);
  const { hosts, outdir, layout } = appArguments(argv);

  const t0 = performance.now();
  const app = new App({ outdir });
  for (const stackSpec of layout) {
    const stack = new ListhostStack(app, stackSpec.id, LISTS_STACK_PROPS);
    for (const host of stackSpec.hosts) {
      new MailingListHost(stack, host.id, listHostProps({ fqdn: host.fqdn, site: host.site, row: host.row, database: host.database }));
    }
  }
  const t1 = performance.now();
  await synthesize(app);
  const t2 = performance.now();
  const report: AppReport = { stacks: layout.length, hosts, load_ms: loadMs, construct_ms: t1 - t0, synth_ms: t2 - t1 };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
