/** The machine-readable report: every finding (any state), every rule x target result, suppressions and baseline. */
import type { Finding } from '../engine';
import type { ReportContext } from './context';

function location(ctx: ReportContext, loc: { readonly file: string; readonly line?: number; readonly pointer?: string }) {
  const line = ctx.lines.line(loc);
  return { file: loc.file, ...(line !== undefined ? { line } : {}), ...(loc.pointer !== undefined ? { pointer: loc.pointer } : {}) };
}

function finding(ctx: ReportContext, f: Finding) {
  return {
    ruleId: f.rule.id,
    rule: f.rule.name,
    level: f.rule.level,
    state: f.state,
    target: f.target,
    message: f.message,
    location: location(ctx, f.location),
    related: f.related.map((r) => location(ctx, r)),
    key: f.key,
    fix: f.rule.fix,
    suppression: f.suppression ? { reason: f.suppression.reason, expires: f.suppression.expires, location: location(ctx, f.suppression.location) } : null,
  };
}

export function renderJson(ctx: ReportContext): string {
  const { report } = ctx;
  const doc = {
    version: 1,
    tool: report.tool,
    input: report.input,
    mode: report.mode,
    today: report.today,
    strict: report.strict,
    exitCode: report.exitCode,
    summary: report.summary,
    findings: report.findings.map((f) => finding(ctx, f)),
    results: report.runs.map((run) => ({
      ruleId: run.rule.id,
      target: run.target,
      status: run.status,
      ...(run.reason !== undefined ? { reason: run.reason } : {}),
      findings: run.findings.length,
    })),
    suppressions: report.suppressions && {
      file: report.suppressions.file,
      entries: report.suppressions.uses.map((u) => ({ ...u.entry, location: location(ctx, u.entry.location), matched: u.matched, expired: u.expired })),
    },
    baseline: report.baseline,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
