/** What every report writer needs: the report and a way to turn pointers into lines. */
import type { LineResolver } from '../data-file';
import type { LintReport } from '../engine';

export interface ReportContext {
  readonly report: LintReport;
  readonly lines: LineResolver;
  /** The working directory file paths are relative to (SARIF's %SRCROOT%). */
  readonly cwd: string;
}

export function where(ctx: ReportContext, location: { readonly file: string; readonly line?: number; readonly pointer?: string }): string {
  const line = ctx.lines.line(location);
  return line !== undefined ? `${location.file}:${line}` : location.pointer ? `${location.file}#${location.pointer}` : location.file;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
