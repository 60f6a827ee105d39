/**
 * `listhost lint` as users run it: a child process over a cdktf.out that
 * the real `cdktf synth` wrote for the example app, clean and then broken
 * by hand the way a repo could break it.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { withoutAlerts } from '../policy/helpers';
import { cleanup, copyOfExample, listhost, scratch, synthesizedExample } from './helpers';

const STACK = 'stacks/lists';
const RULES = `${STACK}/monitoring/prometheus/rules.yml`;

function dropAlert(dir: string, name: string): void {
  const path = join(dir, RULES);
  writeFileSync(path, withoutAlerts(readFileSync(path, 'utf8'), (r) => r.alert === name));
}

describe('listhost lint over a synthesized cdktf.out', () => {
  const dirs: string[] = [];
  let clean: string;
  before(() => {
    clean = synthesizedExample();
  });
  after(() => cleanup(...dirs, clean));
  const copy = () => {
    const d = copyOfExample();
    dirs.push(d);
    return d;
  };

  it('the example lints clean: exit 0', async () => {
    const r = await listhost(['lint', clean]);
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0, r.stdout);
    assert.match(r.stdout, /2 hosts in 1 stack/);
    assert.match(r.stdout, /summary: 0 errors, 0 warnings, 0 suppressed, 0 baselined: passed/);
  });

  it('--help says what each exit status means', async () => {
    const lint = await listhost(['lint', '--help']);
    assert.equal(lint.status, 0, lint.stderr);
    assert.match(lint.stdout, /Exit status: 0 no error findings; 1 error findings \(and warnings, with --strict\); 2 unusable input or usage\./);
    const inventory = await listhost(['inventory', '--help']);
    assert.match(inventory.stdout, /--site <site> +site of the maintenance \(required\)/);
    assert.match(inventory.stdout, /Exit status: 0 the list was printed/);
  });

  it('DIR defaults to cdktf.out in the working directory', async () => {
    const work = scratch();
    dirs.push(work);
    spawnSync('cp', ['-r', clean, join(work, 'cdktf.out')]);
    const ok = await listhost(['lint'], work);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /listhost lint cdktf\.out:/);
  });

  for (const alert of ['FilesystemFilesBurst', 'FilesystemAlmostOutOfFiles', 'FilesystemFilesFillingUp']) {
    it(`deleting the inode rule ${alert} from rules.yml after synth: exit 1 naming LH001`, async () => {
      const dir = copy();
      dropAlert(dir, alert);
      const r = await listhost(['lint', dir]);
      assert.equal(r.status, 1, r.stdout);
      assert.match(r.stdout, /^ERROR +LH001 lists1001\.example\.org +\S+\/monitoring\/prometheus\/rules\.yml:\d+$/m);
      assert.match(r.stdout, /lacks inode alerts of kind/);
      assert.doesNotMatch(r.stdout, /LH002/);
    });
  }

  it('a hand edit of the Icinga procs range: exit 1 naming LH006', async () => {
    const dir = copy();
    const path = join(dir, STACK, 'monitoring/icinga2/services.conf');
    writeFileSync(path, readFileSync(path, 'utf8').replace('vars.procs_critical = group.expected_processes + ":" + group.expected_processes', 'vars.procs_critical = "14:"'));
    const r = await listhost(['lint', dir]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /ERROR +LH006 lists1001\.example\.org/);
  });

  it('sarif: 2.1.0, the registry as rules, a physical location for every result, written atomically to --output', async () => {
    const dir = copy();
    dropAlert(dir, 'MailmanQueueStalled');
    const out = join(dir, 'report.sarif');
    writeFileSync(out, 'stale report from an earlier run');
    const r = await listhost(['lint', dir, '--format', 'sarif', '--output', out], dir);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^listhost lint: \d+ error\(s\).*sarif report written to report\.sarif\n$/);
    const log = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(log.version, '2.1.0');
    assert.equal(log.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
    assert.equal(log.runs.length, 1);
    const { driver } = log.runs[0].tool;
    assert.equal(driver.name, 'listhost');
    assert.ok(driver.rules.length >= 19);
    for (const rule of driver.rules) {
      assert.match(rule.id, /^LH\d{3}$/);
      assert.ok(rule.shortDescription.text && rule.fullDescription.text && rule.help.text);
      assert.ok(['error', 'warning'].includes(rule.defaultConfiguration.level));
    }
    const results = log.runs[0].results;
    assert.ok(results.length >= 4);
    for (const result of results) {
      assert.equal(driver.rules[result.ruleIndex].id, result.ruleId);
      assert.ok(['error', 'warning'].includes(result.level));
      assert.ok(result.message.text.length > 0);
      const loc = result.locations[0].physicalLocation;
      assert.equal(loc.artifactLocation.uriBaseId, '%SRCROOT%');
      assert.ok(existsSync(join(dir, decodeURIComponent(loc.artifactLocation.uri))), loc.artifactLocation.uri);
      assert.ok(loc.region.startLine >= 1);
    }
    assert.ok(results.every((x: { ruleId: string }) => x.ruleId === 'LH007'));
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temp file left');
  });

  it('junit: one testcase per rule x host (and stack and input), parsed back by a real XML parser', async () => {
    const dir = copy();
    dropAlert(dir, 'FilesystemFilesBurst');
    const [junit, json] = await Promise.all([listhost(['lint', dir, '--format', 'junit']), listhost(['lint', dir, '--format', 'json'])]);
    assert.equal(junit.status, 1);
    const parsed = spawnSync(
      '/usr/bin/python3',
      ['-c', `import sys, json, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.read())
cases = [(c.get('classname'), c.get('name'), c.find('failure') is not None, c.find('skipped') is not None) for c in root.iter('testcase')]
print(json.dumps({'tag': root.tag, 'tests': int(root.get('tests')), 'failures': int(root.get('failures')), 'cases': cases}))`],
      { input: junit.stdout, encoding: 'utf8' },
    );
    assert.equal(parsed.status, 0, parsed.stderr);
    const xml = JSON.parse(parsed.stdout) as { tag: string; tests: number; failures: number; cases: [string, string, boolean, boolean][] };
    const report = JSON.parse(json.stdout);
    assert.equal(xml.tag, 'testsuites');
    assert.equal(xml.tests, report.results.length);
    assert.equal(xml.cases.length, report.results.length);
    const lh001 = xml.cases.filter((c) => c[0] === 'listhost.LH001');
    assert.deepEqual(lh001.map((c) => [c[1], c[2]]), [['lists1001.example.org', true], ['lists2001.example.org', true]]);
    assert.equal(xml.failures, 2);
    for (const host of ['lists1001.example.org', 'lists2001.example.org']) {
      for (let n = 1; n <= 17; n++) {
        const id = `listhost.LH${String(n).padStart(3, '0')}`;
        const expected = ['LH013', 'LH017'].includes(id.slice(9)) ? 0 : 1;
        assert.equal(xml.cases.filter((c) => c[0] === id && c[1] === host).length, expected, `${id} ${host}`);
      }
    }
  });

  it('suppressions show in the report; an expired one fails with LH100', async () => {
    const dir = copy();
    dropAlert(dir, 'FilesystemFilesBurst');
    const file = join(dir, 'suppressions.yml');
    writeFileSync(file, stringify({ suppressions: [{ rule: 'LH001', host: 'lists*.example.org', reason: 'burst rule being reworked (T42)', expires: '2999-12-31' }] }));
    const ok = await listhost(['lint', dir, '--suppressions', file]);
    assert.equal(ok.status, 0, ok.stdout);
    assert.match(ok.stdout, /^SUPPRESSED LH001 lists1001\.example\.org/m);
    assert.match(ok.stdout, /suppressed until 2999-12-31: burst rule being reworked \(T42\)/);
    for (const format of ['json', 'sarif', 'junit']) {
      const r = await listhost(['lint', dir, '--suppressions', file, '--format', format]);
      assert.equal(r.status, 0);
      assert.match(r.stdout, /burst rule being reworked \(T42\)/, `${format} lists the suppression`);
    }
    writeFileSync(file, stringify({ suppressions: [{ rule: 'LH001', host: '*', reason: 'burst rule being reworked (T42)', expires: '2000-01-01' }] }));
    const expired = await listhost(['lint', dir, '--suppressions', file]);
    assert.equal(expired.status, 1);
    assert.match(expired.stdout, /^ERROR +LH100 .*suppressions\.yml:\d+$/m);
    assert.match(expired.stdout, /expired on 2000-01-01/);
    assert.match(expired.stdout, /^ERROR +LH001 /m);
  });

  it('baseline: --write-baseline adopts today\'s findings, --baseline fails only on new ones', async () => {
    const dir = copy();
    dropAlert(dir, 'FilesystemFilesBurst');
    const baseline = join(dir, 'baseline.json');
    const write = await listhost(['lint', dir, '--write-baseline', baseline]);
    assert.equal(write.status, 0, write.stdout);
    assert.match(write.stderr, /baseline of 6 finding\(s\) written/);
    const entries = JSON.parse(readFileSync(baseline, 'utf8')).findings;
    assert.equal(entries.length, 6);
    assert.ok(entries.every((e: { rule: string }) => e.rule === 'LH001'));
    const again = await listhost(['lint', dir, '--baseline', baseline]);
    assert.equal(again.status, 0);
    assert.match(again.stdout, /^BASELINED +LH001/m);
    dropAlert(dir, 'MailmanRunnerDown');
    const worse = await listhost(['lint', dir, '--baseline', baseline]);
    assert.equal(worse.status, 1);
    assert.match(worse.stdout, /^ERROR +LH004 /m);
    assert.doesNotMatch(worse.stdout, /^ERROR +LH001 /m);
  });

  it('warnings fail only with --strict', async () => {
    const dir = copy();
    const hostJson = join(dir, STACK, 'hosts/lists2001.example.org/host.json');
    const model = JSON.parse(readFileSync(hostJson, 'utf8'));
    model.contacts = [];
    writeFileSync(hostJson, `${JSON.stringify(model, null, 2)}\n`);
    const lax = await listhost(['lint', dir]);
    assert.equal(lax.status, 0, lax.stdout);
    assert.match(lax.stdout, /^WARNING +LH016 lists2001\.example\.org +\S+host\.json:\d+$/m);
    const strict = await listhost(['lint', dir, '--strict']);
    assert.equal(strict.status, 1);
  });

  it('lints a YAML host spec: model rules apply, artifact rules do not', async () => {
    const work = scratch();
    dirs.push(work);
    const models = ['lists1001.example.org', 'lists2001.example.org'].map((h) => JSON.parse(readFileSync(join(clean, STACK, 'hosts', h, 'host.json'), 'utf8')));
    writeFileSync(join(work, 'hosts.yaml'), stringify({ hosts: models }));
    const ok = await listhost(['lint', 'hosts.yaml', '--format', 'json'], work);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    const report = JSON.parse(ok.stdout);
    assert.equal(report.mode, 'spec');
    assert.ok(report.results.some((r: { ruleId: string; status: string }) => r.ruleId === 'LH001' && r.status === 'not-applicable'));
    models[1].platform.agent.version = '2.7';
    writeFileSync(join(work, 'hosts.yaml'), stringify({ hosts: models }));
    const bad = await listhost(['lint', 'hosts.yaml'], work);
    assert.equal(bad.status, 1);
    assert.match(bad.stdout, /^ERROR +LH012 lists2001\.example\.org +hosts\.yaml:\d+$/m);
  });
});
