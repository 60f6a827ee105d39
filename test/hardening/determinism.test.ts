/**
 * Issue 8, determinism: the output of test/hardening/determinism-app.ts (two
 * stacks, Mailman hosts and a Postfix ServiceHost) is byte-identical across
 * runs, across declaration orders that carry no meaning, and under another
 * time zone and locale (Turkish: dotless i, and ICU collation that sorts ı
 * before i). Each synth is a child process with its own environment; trees
 * are compared by a digest of every path, mode and content (generation
 * markers included).
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { REPO } from '../helpers/synth';
import { treeModesAndDigests } from '../helpers/tree';

const TSX = pathToFileURL(require.resolve('tsx', { paths: [REPO] })).href;
const APP = join(REPO, 'test/hardening/determinism-app.ts');

function differences(a: Map<string, string>, b: Map<string, string>): string[] {
  const paths = new Set([...a.keys(), ...b.keys()]);
  return [...paths].filter((p) => a.get(p) !== b.get(p)).sort();
}

interface Variant {
  readonly name: string;
  readonly order?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Known to differ: why, and where it is to be fixed. */
  readonly todo?: string;
}

const TURKISH = { TZ: 'Pacific/Chatham', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' };
const VARIANTS: readonly Variant[] = [
  { name: 'a second run' },
  { name: 'hosts declared in reverse order within each stack', order: 'hosts' },
  { name: 'stacks declared in reverse order', order: 'stacks' },
  { name: 'Mailman runner overrides in reverse key order', order: 'runners' },
  { name: 'TZ=Pacific/Chatham, LANG=LC_ALL=tr_TR.UTF-8', env: TURKISH },
  { name: 'TZ=America/St_Johns, LC_ALL=C, LANG unset', env: { TZ: 'America/St_Johns', LC_ALL: 'C', LANG: '' } },
  { name: 'all of hosts, stacks and runners reversed, in Turkish at UTC+13:45', order: 'hosts,stacks,runners', env: TURKISH },
  { name: 'backup paths reversed', order: 'paths' },
  { name: "a service's queues reversed", order: 'queues' },
];

function synth(outdir: string, variant: Variant): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1', CDKTF_OUTDIR: outdir, LISTHOST_DET_ORDER: variant.order ?? '', ...variant.env };
    for (const [k, v] of Object.entries(env)) if (v === '') delete env[k];
    const child = spawn(process.execPath, ['--import', TSX, APP], { cwd: REPO, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise() : reject(new Error(`${variant.name}: synth exited ${code}: ${stderr}`))));
  });
}

describe('synth output is byte-identical', () => {
  let work: string;
  let baseline: Map<string, string>;
  const results = new Map<string, Map<string, string>>();

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'listhost-determinism-'));
    await synth(join(work, 'baseline'), { name: 'baseline' });
    baseline = treeModesAndDigests(join(work, 'baseline'));
    // Four at a time: each is its own process with its own environment.
    const queue = VARIANTS.map((variant, i) => async () => {
      const dir = join(work, `v${i}`);
      await synth(dir, variant);
      results.set(variant.name, treeModesAndDigests(dir));
    });
    await Promise.all(Array.from({ length: 4 }, async () => {
      for (let task = queue.shift(); task; task = queue.shift()) await task();
    }));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('the baseline covers both stacks, Mailman and Postfix hosts, markers and monitoring', () => {
    const paths = [...baseline.keys()];
    assert.ok(paths.includes('stacks/lists/hosts/lists1010.example.org/rootfs/etc/prometheus/process-exporter.yml'));
    assert.ok(paths.includes('stacks/lists-west/monitoring/prometheus/rules.yml'));
    assert.ok(paths.includes('.listhost-generation'));
    assert.ok(paths.length > 200, String(paths.length));
  });

  for (const variant of VARIANTS) {
    it(`under ${variant.name}`, { todo: variant.todo }, () => {
      assert.deepEqual(differences(baseline, results.get(variant.name)!), []);
    });
  }
});
