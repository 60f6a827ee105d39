/**
 * Input the linter cannot use: a missing directory, malformed JSON or YAML,
 * a truncated cdktf.out, a spec that breaks the schema, a bad suppression.
 * The CLI prints the message as one line and exits 2.
 */
export class LintInputError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly pointer?: string,
  ) {
    super(`${file}${pointer ? ` at ${pointer}` : ''}: ${oneLine(problem)}`);
    this.name = 'LintInputError';
  }
}

/** Collapses a multi-line message (YAML parser errors carry a code frame) to its first line. */
export function oneLine(text: string): string {
  const first = text.split(/\r?\n/).find((line) => line.trim() !== '') ?? text;
  return first.trim();
}
