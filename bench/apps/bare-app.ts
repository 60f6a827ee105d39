/**
 * Benchmark side (b), the baseline: a bare cdktf app with the same stacks as
 * the listhost app (fleetLayout), each with the null provider and one
 * `null_resource` per host, synthesized with `app.synth()`.
 *
 * With `--shape provisioned`, each null_resource has the shape of the
 * library's (HostProvisioning): 12 file-hash triggers, an ssh connection
 * from two stack variables and three provisioners, with made-up values.
 * That separates what cdktf costs to synthesize the library's Terraform
 * JSON from what the library itself costs (docs/PERFORMANCE.md).
 *
 * Usage: node dist/bench/apps/bare-app.js --hosts N --outdir DIR [--per-stack 100] [--shape bare|provisioned]
 * Prints one JSON line (AppReport) on stdout.
 */
import { performance } from 'node:perf_hooks';
import { App, TerraformStack, TerraformVariable } from 'cdktf';
import { provider as nullProvider, resource as nullResource } from '@cdktf/provider-null';
import { appArguments, argValue, type AppReport, type FleetHost } from './fleet';

/** The paths HostProvisioning hashes for a Mailman host. */
const TRIGGER_PATHS = [
  '/etc/default/prometheus-process-exporter',
  '/etc/prometheus/process-exporter.yml',
  '/etc/systemd/system/listhost-mailman-queue-collector.service',
  '/etc/systemd/system/listhost-mailman-queue-collector.timer',
  '/etc/systemd/system/listhost-mailman-selfheal.service',
  '/etc/systemd/system/listhost-mailman-selfheal.timer',
  '/etc/systemd/system/srv-restore.mount',
  '/usr/lib/nagios/plugins/check_listhost_queue',
  '/usr/local/lib/listhost/apply',
  '/usr/local/lib/listhost/mailman-queue-collector',
  '/usr/local/lib/listhost/mailman-selfheal',
  '/usr/local/lib/listhost/prepare-restore-volume',
];

function provisionedResource(stack: TerraformStack, host: FleetHost, n: number, user: string, privateKey: string): void {
  const triggers: Record<string, string> = {};
  TRIGGER_PATHS.forEach((path, i) => {
    triggers[path] = ((n * TRIGGER_PATHS.length + i) >>> 0).toString(16).padStart(8, '0').repeat(8);
  });
  const staging = `/var/tmp/listhost-${host.fqdn}`;
  new nullResource.Resource(stack, host.id, {
    triggers,
    connection: { type: 'ssh', host: host.fqdn, user, privateKey },
    provisioners: [
      { type: 'remote-exec', inline: [`rm -rf -- '${staging}' && mkdir -p -- '${staging}'`] },
      { type: 'file', source: `hosts/${host.fqdn}/rootfs/`, destination: staging },
      { type: 'remote-exec', inline: [`sudo sh '${staging}/usr/local/lib/listhost/apply' '${staging}'`] },
    ],
  });
}

function main(): void {
  const loadMs = performance.now();
  const argv = process.argv.slice(2);
  const { hosts, outdir, layout } = appArguments(argv);
  const shape = argValue(argv, '--shape') ?? 'bare';
  if (shape !== 'bare' && shape !== 'provisioned') throw new Error(`--shape is bare or provisioned, got ${shape}`);

  const t0 = performance.now();
  const app = new App({ outdir });
  for (const stackSpec of layout) {
    const stack = new TerraformStack(app, stackSpec.id);
    new nullProvider.NullProvider(stack, 'null');
    if (shape === 'bare') {
      for (const host of stackSpec.hosts) new nullResource.Resource(stack, host.id, { triggers: { fqdn: host.fqdn } });
      continue;
    }
    const user = new TerraformVariable(stack, 'ssh_user', { type: 'string', description: 'User the provisioning logs in as over ssh' }).stringValue;
    const privateKey = new TerraformVariable(stack, 'ssh_private_key', { type: 'string', sensitive: true, description: 'Private key of that user' }).stringValue;
    stackSpec.hosts.forEach((host, i) => provisionedResource(stack, host, i, user, privateKey));
  }
  const t1 = performance.now();
  app.synth();
  const t2 = performance.now();
  const report: AppReport = { stacks: layout.length, hosts, load_ms: loadMs, construct_ms: t1 - t0, synth_ms: t2 - t1 };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

try {
  main();
} catch (error: unknown) {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
