import { LineResolver } from '../data-file';
import type { LintReport } from '../engine';
import type { ReportContext } from './context';
import { renderJson } from './json';
import { renderJunit } from './junit';
import { renderSarif } from './sarif';
import { renderText } from './text';

export type ReportFormat = 'text' | 'json' | 'sarif' | 'junit';
export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'json', 'sarif', 'junit'];

/** Renders a report; `textOf` gives the text of a file by its display path (for pointer -> line). */
export function renderReport(report: LintReport, format: ReportFormat, textOf: (file: string) => string | undefined, cwd: string = process.cwd()): string {
  const ctx: ReportContext = { report, lines: new LineResolver(textOf), cwd };
  switch (format) {
    case 'text': return renderText(ctx);
    case 'json': return renderJson(ctx);
    case 'sarif': return renderSarif(ctx);
    case 'junit': return renderJunit(ctx);
  }
}
