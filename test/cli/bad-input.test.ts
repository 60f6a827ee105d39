/**
 * Every unusable input and usage error: exit 2, one line on stderr naming
 * the file (and JSON pointer) or the flag, never a stack trace, nothing on
 * stdout, and no report file written.
 */
import { strict as assert } from 'node:assert';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { cleanup, copyOfExample, listhost, pool, scratch, synthesizedExample, type CliResult } from './helpers';

const STACK = 'stacks/lists';
const HOST = `${STACK}/hosts/lists1001.example.org`;

interface Case {
  readonly name: string;
  /** Prepares the working directory (a copy of the synthesized example is at ./out) and returns the args. */
  readonly setup: (work: string) => string[];
  /** Everything stderr must contain. */
  readonly mentions: readonly (string | RegExp)[];
}

function edit(path: string, change: (text: string) => string): void {
  const next = change(readFileSync(path, 'utf8'));
  writeFileSync(path, next);
}

function hostModel(work: string): Record<string, any> {
  return JSON.parse(readFileSync(join(work, 'out', HOST, 'host.json'), 'utf8'));
}

const GOOD_SUPPRESSION = { rule: 'LH001', host: '*', reason: 'a reason long enough', expires: '2999-01-01' };

const CASES: readonly Case[] = [
  { name: 'missing directory', setup: () => ['lint', 'nope/'], mentions: ['nope', 'no such file or directory'] },
  { name: 'default cdktf.out missing', setup: (w) => (rmSync(join(w, 'cdktf.out'), { recursive: true }), ['lint']), mentions: ['cdktf.out', 'run `cdktf synth` first'] },
  { name: 'directory without manifest.json', setup: (w) => (mkdirSync(join(w, 'empty')), ['lint', 'empty']), mentions: ['empty/manifest.json', 'not a cdktf output directory'] },
  { name: 'malformed manifest.json', setup: (w) => (writeFileSync(join(w, 'out/manifest.json'), '{"stacks": {'), ['lint', 'out']), mentions: ['out/manifest.json', 'malformed JSON'] },
  { name: 'manifest without stacks', setup: (w) => (writeFileSync(join(w, 'out/manifest.json'), '{"version": "0.21.0"}'), ['lint', 'out']), mentions: ['out/manifest.json at /stacks'] },
  { name: 'truncated: stack directory missing', setup: (w) => (rmSync(join(w, 'out', STACK), { recursive: true }), ['lint', 'out']), mentions: ['out/manifest.json at /stacks/lists/workingDirectory', 'missing'] },
  { name: 'truncated: cdk.tf.json missing', setup: (w) => (rmSync(join(w, 'out', STACK, 'cdk.tf.json')), ['lint', 'out']), mentions: ['/stacks/lists/synthesizedStackPath', 'cdk.tf.json is missing'] },
  { name: 'malformed cdk.tf.json', setup: (w) => (edit(join(w, 'out', STACK, 'cdk.tf.json'), (t) => t.slice(0, 100)), ['lint', 'out']), mentions: ['cdk.tf.json', 'malformed JSON'] },
  { name: 'truncated: host.json missing', setup: (w) => (rmSync(join(w, 'out', HOST, 'host.json')), ['lint', 'out']), mentions: ['lists1001.example.org/host.json', 'missing'] },
  { name: 'malformed host.json', setup: (w) => (edit(join(w, 'out', HOST, 'host.json'), (t) => t.replace('"fqdn"', '"fqdn" "')), ['lint', 'out']), mentions: ['host.json', 'malformed JSON at line'] },
  {
    name: 'host.json breaks the schema',
    setup: (w) => {
      const m = hostModel(w);
      m.volumes[0].inodes = -1;
      writeFileSync(join(w, 'out', HOST, 'host.json'), JSON.stringify(m));
      return ['lint', 'out'];
    },
    mentions: ['host.json at /volumes/0/inodes', 'host schema'],
  },
  {
    name: 'host.json fqdn differs from its directory',
    setup: (w) => {
      const m = hostModel(w);
      m.fqdn = 'other.example.org';
      writeFileSync(join(w, 'out', HOST, 'host.json'), JSON.stringify(m));
      return ['lint', 'out'];
    },
    mentions: ['host.json at /fqdn', 'other.example.org'],
  },
  { name: 'truncated: a provisioned rootfs file missing', setup: (w) => (rmSync(join(w, 'out', HOST, 'rootfs/usr/local/lib/listhost/mailman-selfheal')), ['lint', 'out']), mentions: ['rootfs/usr/local/lib/listhost/mailman-selfheal', 'cdk.tf.json provisions it'] },
  { name: 'malformed rules.yml', setup: (w) => (edit(join(w, 'out', STACK, 'monitoring/prometheus/rules.yml'), (t) => `${t}\n  - : [\n`), ['lint', 'out']), mentions: ['rules.yml', 'malformed YAML at line'] },
  { name: 'rules.yml is not a rule file', setup: (w) => (writeFileSync(join(w, 'out', STACK, 'monitoring/prometheus/rules.yml'), 'groups: 3\n'), ['lint', 'out']), mentions: ['rules.yml at /groups'] },
  { name: 'malformed Icinga configuration', setup: (w) => (edit(join(w, 'out', STACK, 'monitoring/icinga2/hosts.conf'), (t) => t.replace('address = "lists1001.example.org"', 'address = "lists1001')), ['lint', 'out']), mentions: ['hosts.conf', 'unterminated string'] },
  { name: 'malformed JSON spec', setup: (w) => (writeFileSync(join(w, 'spec.json'), '{"fqdn": }'), ['lint', 'spec.json']), mentions: ['spec.json', 'malformed JSON at line 1'] },
  { name: 'malformed YAML spec', setup: (w) => (writeFileSync(join(w, 'spec.yaml'), 'hosts:\n  - fqdn: [a\n'), ['lint', 'spec.yaml']), mentions: ['spec.yaml', 'malformed YAML at line'] },
  { name: 'YAML spec with two documents', setup: (w) => (writeFileSync(join(w, 'spec.yml'), 'a: 1\n---\nb: 2\n'), ['lint', 'spec.yml']), mentions: ['spec.yml', '2 YAML documents'] },
  { name: 'YAML spec with a duplicate key', setup: (w) => (writeFileSync(join(w, 'spec.yml'), 'hosts: []\nhosts: []\n'), ['lint', 'spec.yml']), mentions: ['spec.yml', 'malformed YAML'] },
  { name: 'empty spec', setup: (w) => (writeFileSync(join(w, 'spec.yaml'), '\n'), ['lint', 'spec.yaml']), mentions: ['spec.yaml', 'is empty'] },
  { name: 'spec that is a string', setup: (w) => (writeFileSync(join(w, 'spec.json'), '"hello"'), ['lint', 'spec.json']), mentions: ['spec.json at /', 'expected a host model'] },
  {
    name: 'spec host missing its location',
    setup: (w) => {
      const m = hostModel(w);
      delete m.location;
      writeFileSync(join(w, 'spec.yaml'), stringify({ hosts: [hostModel(w), m] }));
      return ['lint', 'spec.yaml'];
    },
    mentions: ['spec.yaml at /hosts/1', "missing property 'location'"],
  },
  {
    name: 'spec host with a bad volume',
    setup: (w) => {
      const m = hostModel(w);
      m.volumes[2].mountpoint = 'srv/restore';
      writeFileSync(join(w, 'spec.json'), JSON.stringify([m]));
      return ['lint', 'spec.json'];
    },
    mentions: ['spec.json at /0/volumes/2/mountpoint'],
  },
  { name: 'spec hosts not a list', setup: (w) => (writeFileSync(join(w, 'spec.yaml'), 'hosts: 3\n'), ['lint', 'spec.yaml']), mentions: ['spec.yaml at /hosts'] },
  { name: 'spec with an unknown top-level property', setup: (w) => (writeFileSync(join(w, 'spec.yaml'), 'hosts: []\nextra: 1\n'), ['lint', 'spec.yaml']), mentions: ['spec.yaml at /extra', "unknown property 'extra'"] },
  { name: 'spec with no hosts', setup: (w) => (writeFileSync(join(w, 'spec.yaml'), 'hosts: []\n'), ['lint', 'spec.yaml']), mentions: ['spec.yaml at /hosts', 'holds no hosts'] },
  {
    name: 'spec declaring a host twice',
    setup: (w) => (writeFileSync(join(w, 'spec.json'), JSON.stringify([hostModel(w), hostModel(w)])), ['lint', 'spec.json']),
    mentions: ['spec.json at /1/fqdn', 'declared twice'],
  },
  { name: 'spec with an unknown extension', setup: (w) => (writeFileSync(join(w, 'spec.txt'), 'x'), ['lint', 'spec.txt']), mentions: ['spec.txt', '.json, .yaml or .yml'] },
  { name: 'suppressions file missing', setup: () => ['lint', 'out', '--suppressions', 'nope.yml'], mentions: ['nope.yml', 'no such file'] },
  { name: 'malformed suppressions', setup: (w) => (writeFileSync(join(w, 's.yml'), 'suppressions: [\n'), ['lint', 'out', '--suppressions', 's.yml']), mentions: ['s.yml', 'malformed YAML'] },
  {
    name: 'suppression with an unknown rule ID',
    setup: (w) => (writeFileSync(join(w, 's.yml'), stringify({ suppressions: [GOOD_SUPPRESSION, { ...GOOD_SUPPRESSION, rule: 'LH999' }] })), ['lint', 'out', '--suppressions', 's.yml']),
    mentions: ['s.yml at /suppressions/1/rule', "unknown rule ID 'LH999'"],
  },
  {
    name: 'suppression with a short reason',
    setup: (w) => (writeFileSync(join(w, 's.json'), JSON.stringify({ suppressions: [{ ...GOOD_SUPPRESSION, reason: 'because' }] })), ['lint', 'out', '--suppressions', 's.json']),
    mentions: ['s.json at /suppressions/0/reason', 'at least 10 characters'],
  },
  {
    name: 'suppression with an impossible date',
    setup: (w) => (writeFileSync(join(w, 's.yml'), stringify({ suppressions: [{ ...GOOD_SUPPRESSION, expires: '2026-02-30' }] })), ['lint', 'out', '--suppressions', 's.yml']),
    mentions: ['s.yml at /suppressions/0/expires', 'not a calendar date'],
  },
  {
    name: 'suppression without an expiry',
    setup: (w) => (writeFileSync(join(w, 's.yml'), stringify({ suppressions: [{ rule: 'LH001', host: '*', reason: 'a reason long enough' }] })), ['lint', 'out', '--suppressions', 's.yml']),
    mentions: ['s.yml at /suppressions/0', "missing property 'expires'"],
  },
  { name: 'malformed baseline', setup: (w) => (writeFileSync(join(w, 'b.json'), '{"version": 1,'), ['lint', 'out', '--baseline', 'b.json']), mentions: ['b.json', 'malformed JSON'] },
  {
    name: 'baseline with an unknown rule',
    setup: (w) => (writeFileSync(join(w, 'b.json'), JSON.stringify({ version: 1, findings: [{ rule: 'LH404', target: 'x', key: 'y' }] })), ['lint', 'out', '--baseline', 'b.json']),
    mentions: ['b.json at /findings/0/rule', "unknown rule ID 'LH404'"],
  },
  { name: 'policy config with an unknown property', setup: (w) => (writeFileSync(join(w, 'p.yml'), 'fleet: []\n'), ['lint', 'out', '--config', 'p.yml']), mentions: ['p.yml at /', "unknown property 'fleet'"] },
  { name: 'unknown format', setup: () => ['lint', 'out', '--format', 'xml'], mentions: ["'xml'", 'text, json, sarif, junit'] },
  { name: 'unknown flag', setup: () => ['lint', 'out', '--frobnicate'], mentions: ["unknown option '--frobnicate'"] },
  { name: 'flag without its value', setup: () => ['lint', 'out', '--suppressions'], mentions: ["'--suppressions <file>' argument missing"] },
  { name: 'too many arguments', setup: () => ['lint', 'out', 'other'], mentions: ['too many arguments'] },
  { name: 'no command', setup: () => [], mentions: ['missing command'] },
  { name: 'unknown command', setup: () => ['lnt'], mentions: ["unknown command 'lnt'"] },
  { name: 'inventory without --site', setup: () => ['inventory', 'out'], mentions: ["'--site <site>' not specified"] },
  { name: 'inventory with an empty --site', setup: () => ['inventory', 'out', '--site', ''], mentions: ['--site', 'is empty'] },
  { name: 'inventory of a missing directory', setup: () => ['inventory', 'gone', '--site', 'dc1'], mentions: ['gone', 'no such file or directory'] },
  { name: '--output into a missing directory', setup: () => ['lint', 'out', '--output', 'no/such/dir/report.txt'], mentions: ['no/such/dir/report.txt', 'does not exist'] },
  { name: '--output is a directory', setup: (w) => (mkdirSync(join(w, 'reports')), ['lint', 'out', '--output', 'reports']), mentions: ['reports', 'is a directory'] },
];

describe('bad input: exit 2 with one line naming the file and the problem', () => {
  let results: { c: Case; r: CliResult; work: string }[] = [];
  before(async () => {
    synthesizedExample();
    results = await pool(
      CASES.map((c) => async () => {
        const work = scratch();
        const copy = copyOfExample();
        // The example at ./out and at ./cdktf.out (the default DIR).
        renameSync(copy, join(work, 'out'));
        cpSync(join(work, 'out'), join(work, 'cdktf.out'), { recursive: true });
        let args = c.setup(work);
        const output = join(work, 'never-written.txt');
        if (!args.includes('--output') && args[0] === 'lint') args = ['lint', '--output', output, ...args.slice(1)];
        return { c, r: await listhost(args, work), work };
      }),
    );
  });
  after(() => cleanup(...results.map((x) => x.work)));

  it('has at least 30 cases', () => assert.ok(CASES.length >= 30, String(CASES.length)));

  for (const c of CASES) {
    it(c.name, () => {
      const { r, work } = results.find((x) => x.c === c)!;
      assert.equal(r.status, 2, `exit ${r.status}; stderr: ${r.stderr}; stdout: ${r.stdout.slice(0, 500)}`);
      assert.equal(r.stdout, '');
      assert.ok(r.stderr.endsWith('\n') && !r.stderr.slice(0, -1).includes('\n'), `one line: ${JSON.stringify(r.stderr)}`);
      assert.match(r.stderr, /^listhost: /);
      assert.doesNotMatch(r.stderr, /\bat .+:\d+:\d+|node:internal|Error:|internal error/, 'no stack trace');
      for (const m of c.mentions) {
        if (typeof m === 'string') assert.ok(r.stderr.includes(m), `stderr ${JSON.stringify(r.stderr)} lacks ${JSON.stringify(m)}`);
        else assert.match(r.stderr, m);
      }
      assert.ok(!existsSync(join(work, 'never-written.txt')), 'no report written');
      assert.deepEqual(readdirSync(work).filter((f) => f.endsWith('.tmp')), []);
    });
  }
});
