/**
 * JUnit XML: one testsuite per rule, one testcase per rule x target (each
 * host, each stack's shared files, each input file). A testcase fails with
 * its open error findings (and warnings with --strict); not applicable is
 * skipped; suppressed and baselined findings are listed in system-out (and
 * skip the testcase when nothing else is open), so they show in CI.
 */
import type { Finding, RuleRun } from '../engine';
import { where, type ReportContext } from './context';

export function xmlEscape(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function describe(ctx: ReportContext, f: Finding): string {
  const lines = [`${where(ctx, f.location)}: ${f.message}`];
  if (f.state === 'suppressed' && f.suppression) lines.push(`  suppressed until ${f.suppression.expires}: ${f.suppression.reason}`);
  else if (f.state === 'baselined') lines.push('  in the baseline');
  else lines.push(`  fix: ${f.rule.fix}`);
  return lines.join('\n');
}

function testcase(ctx: ReportContext, run: RuleRun): { xml: string; failed: boolean; skipped: boolean } {
  const failing = run.findings.filter((f) => f.state === 'open' && (f.rule.level === 'error' || ctx.report.strict));
  const notes = run.findings.filter((f) => !failing.includes(f));
  const attrs = `classname="listhost.${run.rule.id}" name="${xmlEscape(run.targetName)}"`;
  const parts: string[] = [];
  let skipped = false;
  if (failing.length > 0) {
    parts.push(`<failure type="${run.rule.level}" message="${xmlEscape(failing[0].message)}">${xmlEscape(failing.map((f) => describe(ctx, f)).join('\n'))}</failure>`);
  } else if (run.status === 'not-applicable') {
    parts.push(`<skipped message="${xmlEscape(`not applicable: ${run.reason ?? ''}`)}"/>`);
    skipped = true;
  } else if (notes.length > 0 && notes.every((f) => f.state !== 'open')) {
    const first = notes[0];
    const why = first.state === 'suppressed' ? `suppressed until ${first.suppression?.expires}: ${first.suppression?.reason}` : 'in the baseline';
    parts.push(`<skipped message="${xmlEscape(why)}"/>`);
    skipped = true;
  }
  if (notes.length > 0) parts.push(`<system-out>${xmlEscape(notes.map((f) => `${f.state === 'open' ? f.rule.level : f.state}: ${describe(ctx, f)}`).join('\n'))}</system-out>`);
  const xml = parts.length === 0 ? `    <testcase ${attrs}/>` : `    <testcase ${attrs}>\n      ${parts.join('\n      ')}\n    </testcase>`;
  return { xml, failed: failing.length > 0, skipped };
}

export function renderJunit(ctx: ReportContext): string {
  const byRule = new Map<string, RuleRun[]>();
  for (const run of ctx.report.runs) {
    const list = byRule.get(run.rule.id) ?? [];
    list.push(run);
    byRule.set(run.rule.id, list);
  }
  let tests = 0;
  let failures = 0;
  let skippedTotal = 0;
  const suites: string[] = [];
  for (const [id, runs] of byRule) {
    const cases = runs.map((run) => testcase(ctx, run));
    const f = cases.filter((c) => c.failed).length;
    const s = cases.filter((c) => c.skipped).length;
    tests += cases.length;
    failures += f;
    skippedTotal += s;
    suites.push(
      `  <testsuite name="${xmlEscape(`${id} ${runs[0].rule.name}`)}" tests="${cases.length}" failures="${f}" errors="0" skipped="${s}">\n${cases.map((c) => c.xml).join('\n')}\n  </testsuite>`,
    );
  }
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="listhost lint ${xmlEscape(ctx.report.input)}" tests="${tests}" failures="${failures}" errors="0" skipped="${skippedTotal}">\n` +
    `${suites.join('\n')}\n</testsuites>\n`
  );
}
