/**
 * Suppressions, baselines and the four report formats, in process (the
 * CLI tests run the same through the real command).
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { fingerprint, renderBaseline, resolveBaseline } from '../../lib/policy/baseline';
import { baselineEntries } from '../../lib/policy/engine';
import { LintInputError } from '../../lib/policy/errors';
import { renderReport } from '../../lib/policy/report';
import { resolveSuppressions } from '../../lib/policy/suppressions';
import { changed, exampleModels, lintModels, runFor } from './helpers';

const A = 'lists1001.example.org';

/** Two hosts, one on Puppet 2.7: LH012 fails for it; one without contacts: an LH016 warning. */
function breached() {
  const [a, b] = exampleModels();
  return [changed(a, (m) => (m.contacts = [])), changed(b, (m) => (m.platform.agent.version = '2.7'))];
}

function suppressions(entries: object[]) {
  return resolveSuppressions({ suppressions: entries }, 'suppressions.yml');
}

describe('suppressions', () => {
  it('a matching suppression turns an error into a listed, non-failing finding', () => {
    const s = suppressions([{ rule: 'LH012', host: 'lists2*.example.org', reason: 'dc2 upgrades Puppet in March (T1234)', expires: '2025-12-31' }]);
    const report = lintModels(breached(), { suppressions: s, today: '2025-06-01' });
    const f = report.findings.find((x) => x.rule.id === 'LH012')!;
    assert.equal(f.state, 'suppressed');
    assert.equal(f.suppression?.reason, 'dc2 upgrades Puppet in March (T1234)');
    assert.equal(report.summary.errors, 0);
    assert.equal(report.summary.suppressed, 1);
    assert.equal(report.exitCode, 0);
  });

  it('a suppression for another host does not apply and is reported unused (LH101)', () => {
    const s = suppressions([{ rule: 'LH012', host: A, reason: 'wrong host on purpose here', expires: '2025-12-31' }]);
    const report = lintModels(breached(), { suppressions: s });
    assert.equal(report.exitCode, 1);
    assert.equal(runFor(report, 'LH101', 'suppressions.yml').findings.length, 1);
  });

  it('an expired suppression no longer applies and is itself an error (LH100)', () => {
    const s = suppressions([{ rule: 'LH012', host: '*', reason: 'dc2 upgrades Puppet in March (T1234)', expires: '2025-03-31' }]);
    const report = lintModels(breached(), { suppressions: s, today: '2025-04-01' });
    assert.equal(report.findings.find((x) => x.rule.id === 'LH012')!.state, 'open');
    const expired = runFor(report, 'LH100', 'suppressions.yml').findings;
    assert.equal(expired.length, 1);
    assert.match(expired[0].message, /expired on 2025-03-31/);
    assert.equal(expired[0].location.pointer, '/suppressions/0');
    assert.equal(report.summary.errors, 2);
    assert.equal(lintModels(breached(), { suppressions: s, today: '2025-03-31' }).summary.errors, 0, 'the expiry day itself still applies');
  });

  it('refuses unknown rule IDs, short reasons, impossible dates and suppressing LH100, naming the pointer', () => {
    const bad: [object, string, RegExp][] = [
      [{ rule: 'LH999', host: '*', reason: 'a long enough reason', expires: '2030-01-01' }, '/suppressions/0/rule', /unknown rule ID 'LH999'/],
      [{ rule: 'LH001', host: '*', reason: 'short', expires: '2030-01-01' }, '/suppressions/0/reason', /at least 10 characters/],
      [{ rule: 'LH001', host: '*', reason: 'a long enough reason', expires: '2030-02-30' }, '/suppressions/0/expires', /not a calendar date/],
      [{ rule: 'LH001', host: '*', reason: 'a long enough reason', expires: 'soon' }, '/suppressions/0/expires', /YYYY-MM-DD/],
      [{ rule: 'LH100', host: '*', reason: 'a long enough reason', expires: '2030-01-01' }, '/suppressions/0/rule', /cannot be suppressed/],
      [{ rule: 'LH001', reason: 'a long enough reason', expires: '2030-01-01' }, '/suppressions/0', /missing property 'host'/],
    ];
    for (const [entry, pointer, message] of bad) {
      assert.throws(() => suppressions([entry]), (e: unknown) => e instanceof LintInputError && e.pointer === pointer && message.test(e.message), JSON.stringify(entry));
    }
  });
});

describe('baseline', () => {
  it('baselined findings do not fail; new ones do; fixed ones are reported stale', () => {
    const first = lintModels(breached());
    const entries = baselineEntries(first);
    assert.deepEqual(entries.map((e) => e.rule).sort(), ['LH012', 'LH016']);
    const baseline = resolveBaseline(JSON.parse(renderBaseline(entries, '0.1.0')), 'baseline.json');
    const again = lintModels(breached(), { baseline });
    assert.equal(again.exitCode, 0);
    assert.equal(again.summary.baselined, 2);
    const worse = breached();
    worse[0] = changed(worse[0], (m) => (m.location.site = 'tbd'));
    const r3 = lintModels(worse, { baseline });
    assert.equal(r3.exitCode, 1);
    assert.deepEqual(r3.findings.filter((f) => f.state === 'open').map((f) => f.rule.id), ['LH014']);
    const fixed = lintModels(exampleModels(), { baseline });
    assert.equal(fixed.baseline!.stale.length, 2);
  });

  it('refuses secrets and unknown rules in a baseline', () => {
    assert.throws(() => resolveBaseline({ version: 1, findings: [{ rule: 'LH015', target: A, key: 'x' }] }, 'b.json'), /cannot be baselined/);
    assert.throws(() => resolveBaseline({ version: 1, findings: [{ rule: 'LH777', target: A, key: 'x' }] }, 'b.json'), (e: unknown) => e instanceof LintInputError && e.pointer === '/findings/0/rule');
    assert.throws(() => resolveBaseline({ version: 2, findings: [] }, 'b.json'), /version must be 1/);
    assert.equal(fingerprint('LH001', A, 'k'), fingerprint('LH001', A, 'k'));
  });
});

describe('report formats', () => {
  const s = suppressions([{ rule: 'LH016', host: A, reason: 'contacts are being collected', expires: '2030-01-01' }]);
  const report = lintModels(breached(), { suppressions: s, input: 'hosts.yaml' });
  const text = (file: string) => (file === 'hosts.yaml' ? `${JSON.stringify(breached(), null, 2)}\n` : undefined);

  it('text names the rule, target, file:line, message, fix and suppressions', () => {
    const out = renderReport(report, 'text', text);
    assert.match(out, /ERROR {6}LH012 lists2001\.example\.org {2}hosts\.yaml:\d+\n/);
    assert.match(out, /fix: Upgrade the agent/);
    assert.match(out, /SUPPRESSED LH016 lists1001\.example\.org/);
    assert.match(out, /suppressed until 2030-01-01: contacts are being collected/);
    assert.match(out, /summary: 1 error, 0 warnings, 1 suppressed, 0 baselined: FAILED/);
  });

  it('json has every finding with its state and every rule x target result', () => {
    const doc = JSON.parse(renderReport(report, 'json', text));
    assert.equal(doc.exitCode, 1);
    assert.deepEqual(doc.findings.map((f: { ruleId: string; state: string }) => `${f.ruleId}:${f.state}`), ['LH012:open', 'LH016:suppressed']);
    assert.ok(doc.findings[0].location.line > 1, 'pointer resolved to a line');
    assert.equal(doc.results.filter((r: { target: { kind: string } }) => r.target.kind === 'host').length, 2 * 15);
    assert.equal(doc.suppressions.entries[0].matched, 1);
  });

  it('sarif is 2.1.0 with the registry as rules and a physical location per result', () => {
    const log = JSON.parse(renderReport(report, 'sarif', text, '/work/repo'));
    assert.equal(log.version, '2.1.0');
    assert.match(log.$schema, /sarif-2\.1\.0/);
    const run = log.runs[0];
    assert.equal(run.tool.driver.rules.length, 19);
    for (const result of run.results) {
      assert.equal(run.tool.driver.rules[result.ruleIndex].id, result.ruleId);
      assert.equal(result.locations[0].physicalLocation.artifactLocation.uri, 'hosts.yaml');
      assert.ok(result.locations[0].physicalLocation.region.startLine >= 1);
    }
    assert.equal(run.results[1].suppressions[0].kind, 'external');
    assert.equal(run.originalUriBaseIds['%SRCROOT%'].uri, 'file:///work/repo/');
  });

  it('junit has one testcase per rule x target, failures for open errors, suppressed ones skipped', () => {
    const xml = renderReport(report, 'junit', text);
    const cases = xml.match(/<testcase /g)!.length;
    assert.equal(cases, report.runs.length);
    assert.match(xml, /<testcase classname="listhost\.LH012" name="lists2001\.example\.org">\s*<failure type="error"/);
    assert.match(xml, /<testcase classname="listhost\.LH016" name="lists1001\.example\.org">\s*<skipped message="suppressed until 2030-01-01: contacts are being collected"/);
    assert.match(xml, /<testcase classname="listhost\.LH001" name="lists1001\.example\.org">\s*<skipped message="not applicable: /);
    assert.match(xml, /<testsuites name="listhost lint hosts\.yaml" tests="\d+" failures="1" /);
  });
});
