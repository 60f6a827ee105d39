/**
 * A cdktf.out for N hosts written with the library's renderers (the same
 * files synthesis writes, cdk.tf.json in the shape HostProvisioning gives
 * it), for the lint benchmark and the read-once test, without running a
 * 1,000-host cdktf app.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { HostModel } from '../../lib/model/types';
import { renderIcinga2 } from '../../lib/render/icinga2';
import { exampleHostModel } from '../fixtures/host-model';
import { buildArtifacts } from './helpers';

export function fleetModels(n: number): HostModel[] {
  return Array.from({ length: n }, (_, i) => {
    const site = `dc${(i % 4) + 1}`;
    return exampleHostModel(`lists${String(i + 1).padStart(4, '0')}.example.org`, site, String.fromCharCode(65 + (i % 6)));
  });
}

/** Writes the fleet's cdktf.out; returns its directory and the number of files. */
export async function writeFleet(n: number): Promise<{ dir: string; files: number; hosts: HostModel[] }> {
  const hosts = fleetModels(n);
  const files = await buildArtifacts(hosts);
  if (![...files.keys()].some((p) => p.startsWith('monitoring/icinga2/'))) {
    for (const [name, text] of Object.entries(renderIcinga2(hosts))) files.set(`monitoring/icinga2/${name}`, text);
  }
  const resources: Record<string, unknown> = {};
  for (const host of hosts) {
    const prefix = `hosts/${host.fqdn}/rootfs`;
    const triggers: Record<string, string> = {};
    for (const [path, text] of files) if (path.startsWith(prefix)) triggers[path.slice(prefix.length)] = createHash('sha256').update(text).digest('hex');
    resources[`${host.fqdn.split('.')[0]}_Provisioning_resource`] = {
      connection: { host: host.fqdn, private_key: '${var.ssh_private_key}', type: 'ssh', user: '${var.ssh_user}' },
      provisioner: [{ file: { destination: `/var/tmp/listhost-${host.fqdn}`, source: `${prefix}/` } }],
      triggers,
    };
  }
  files.set('cdk.tf.json', `${JSON.stringify({ resource: { null_resource: resources } }, null, 2)}\n`);
  const dir = mkdtempSync(join(tmpdir(), `listhost-fleet-${n}-`));
  for (const [path, text] of files) {
    const target = join(dir, 'stacks/lists', path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({ stacks: { lists: { name: 'lists', workingDirectory: 'stacks/lists', synthesizedStackPath: 'stacks/lists/cdk.tf.json' } }, version: '0.21.0' }, null, 2),
  );
  return { dir, files: files.size + 1, hosts };
}
