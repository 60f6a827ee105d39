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
import { ListhostStack, MailingListHost, synthesize, type ListhostStackProps } from '../../lib';
import { argValue, fleetLayout, type AppReport } from './fleet';

const STACK_PROPS: ListhostStackProps = {
  monitoring: {
    runbookBaseUrl: 'https://runbooks.example.org/lists/',
    alerting: {
      pager: { name: 'oncall-pager', webhookUrl: 'https://pager.example.org/v1/alertmanager', webhookCredentialsFile: '/etc/alertmanager/secrets/pager-token' },
      tickets: { name: 'sre-tickets', email: 'sre-tickets@example.org' },
      listAdmins: { name: 'list-admins', email: 'listadmins@example.org' },
    },
  },
};

async function main(): Promise<void> {
  const loadMs = performance.now();
  const argv = process.argv.slice(2);
  const hosts = Number(argValue(argv, '--hosts'));
  const outdir = argValue(argv, '--outdir');
  if (!outdir) throw new Error('--outdir DIR is required');
  const layout = fleetLayout(hosts, argValue(argv, '--per-stack') === undefined ? undefined : Number(argValue(argv, '--per-stack')));

  const t0 = performance.now();
  const app = new App({ outdir });
  for (const stackSpec of layout) {
    const stack = new ListhostStack(app, stackSpec.id, STACK_PROPS);
    for (const host of stackSpec.hosts) {
      new MailingListHost(stack, host.id, {
        fqdn: host.fqdn,
        location: { site: host.site, row: host.row },
        platform: { os: 'debian', release: '12', agent: { name: 'puppet', version: '7' } },
        contacts: [{ name: 'list admins', email: 'listadmins@example.org' }],
        mailmanVersion: '3.3.8',
        restWorkers: 2,
        rootVolume: { mountpoint: '/', device: '/dev/vda1', size: '20GiB' },
        dataVolume: { mountpoint: '/srv/mailman3', device: '/dev/vdb1', size: '100GiB' },
        backup: {
          paths: ['/srv/mailman3', '/etc/mailman3'],
          expectedFiles: 1_000_000,
          restoreVolume: { mountpoint: '/srv/restore', device: '/dev/vdc', size: '100GiB' },
        },
        database: { host: host.database, port: 3306 },
        webUrl: `https://${host.fqdn}/postorius/lists/`,
      });
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
