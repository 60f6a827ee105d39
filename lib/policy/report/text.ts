/** The human report: open findings first, then suppressed and baselined ones, then a summary. */
import type { Finding } from '../engine';
import { plural, where, type ReportContext } from './context';

function block(ctx: ReportContext, finding: Finding, label: string): string[] {
  const lines = [`${label.padEnd(10)} ${finding.rule.id} ${finding.targetName}  ${where(ctx, finding.location)}`, `           ${finding.message}`];
  for (const related of finding.related) lines.push(`           see ${where(ctx, related)}`);
  if (finding.state === 'suppressed' && finding.suppression) {
    lines.push(`           suppressed until ${finding.suppression.expires}: ${finding.suppression.reason} (${where(ctx, finding.suppression.location)})`);
  } else if (finding.state === 'baselined') {
    lines.push(`           in the baseline ${ctx.report.baseline?.file ?? ''}`);
  } else {
    lines.push(`           fix: ${finding.rule.fix}`);
  }
  return lines;
}

export function renderText(ctx: ReportContext): string {
  const { report } = ctx;
  const out: string[] = [
    `listhost lint ${report.input}: ${plural(report.summary.hosts, 'host')} in ${report.mode === 'spec' ? 'a host spec' : plural(report.summary.stacks, 'stack')}, ${report.summary.rules} rules`,
  ];
  const open = report.findings.filter((f) => f.state === 'open');
  for (const f of open) out.push(...block(ctx, f, f.rule.level === 'error' ? 'ERROR' : 'WARNING'));
  for (const f of report.findings.filter((f) => f.state === 'suppressed')) out.push(...block(ctx, f, 'SUPPRESSED'));
  for (const f of report.findings.filter((f) => f.state === 'baselined')) out.push(...block(ctx, f, 'BASELINED'));
  if (report.suppressions) {
    for (const use of report.suppressions.uses) {
      out.push(
        `suppression ${use.entry.rule} ${use.entry.host} until ${use.entry.expires}: ${use.expired ? 'EXPIRED' : `${plural(use.matched, 'finding')}`} (${where(ctx, use.entry.location)})`,
      );
    }
  }
  if (report.baseline && report.baseline.stale.length > 0) {
    out.push(`baseline ${report.baseline.file}: ${plural(report.baseline.stale.length, 'entry')} no longer found; rewrite it with --write-baseline`);
  }
  const s = report.summary;
  out.push(
    `summary: ${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}${report.strict ? ' (strict: warnings fail)' : ''}, ${s.suppressed} suppressed, ${s.baselined} baselined: ${report.exitCode === 0 ? 'passed' : 'FAILED'}`,
  );
  return `${out.join('\n')}\n`;
}
