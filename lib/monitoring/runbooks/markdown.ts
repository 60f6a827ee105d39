/**
 * Markdown and shell text for runbook pages. Values from the host model go
 * into code spans and code blocks unchanged: `word` quotes a shell word only
 * when it needs it, so a plain path reads (and greps) exactly as the model
 * has it.
 */
import { shqForReaders } from '../../render/shell';

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One shell word: as is when it needs no quoting, else single-quoted. */
export function word(value: string | number): string {
  const text = String(value);
  return SAFE_WORD.test(text) ? text : shqForReaders(text);
}

/** A command line from words. */
export function sh(words: readonly (string | number)[]): string {
  return words.map(word).join(' ');
}

/** An inline code span holding `text` exactly (longer fences when it holds backticks). */
export function code(text: string): string {
  const runs = text.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A fenced code block. */
export function block(lines: readonly string[], lang = 'sh'): string {
  const body = lines.join('\n');
  const runs = body.match(/`{3,}/g) ?? [];
  const fence = '`'.repeat(Math.max(3, ...runs.map((r) => r.length + 1)));
  return `${fence}${lang}\n${body}\n${fence}`;
}

function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** A GitHub-flavoured table; `|` in a cell is escaped. */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A numbered list; items may span several lines (indented under their number). */
export function steps(items: readonly string[]): string {
  return items
    .map((item, i) => {
      const marker = `${i + 1}. `;
      return marker + item.replace(/\n(?=.)/g, `\n${' '.repeat(marker.length)}`);
    })
    .join('\n');
}

/** Go template references in alert annotations, made readable: `{{ $labels.queue }}` -> _queue_. */
export function untemplate(text: string): string {
  return text
    .replace(/\{\{\s*\$labels\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, '_$1_')
    .replace(/\{\{[^}]*\$value[^}]*\}\}/g, '_value_')
    .replace(/\{\{[^}]*\}\}/g, '_…_');
}

/** Seconds as the largest whole unit (`1800` -> `30 min`). */
export function duration(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
