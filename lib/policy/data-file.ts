/**
 * JSON and YAML input files: parsed once, with one-line errors that name
 * the file and the problem, and a pointer -> line lookup for reports
 * (computed only for files that have findings).
 */
import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { isMap, isSeq, LineCounter, parseAllDocuments, parseDocument, type Node as YamlNode } from 'yaml';
import { LintInputError } from './errors';

export type DataFormat = 'json' | 'yaml';

export interface DataFile {
  readonly display: string;
  readonly text: string;
  readonly format: DataFormat;
  readonly value: unknown;
}

export function formatOf(path: string): DataFormat | undefined {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  return undefined;
}

/** Reads a file as UTF-8 text; LintInputError when it is missing, a directory or unreadable. */
export function readTextFile(path: string, display: string): string {
  let text: string;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new LintInputError(display, 'is a directory, expected a file');
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof LintInputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new LintInputError(display, code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot read: ${(error as Error).message}`);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function lineAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/**
 * Where JSON text first breaks the grammar, and what was found there.
 * JSON.parse's messages vary by Node version and may quote the input (a
 * secret, perhaps), so the position and the description are worked out here.
 */
export function jsonSyntaxError(text: string): { offset: number; found: string } | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const fail = (): never => {
    throw { offset: i, found: i >= text.length ? 'end of file' : JSON.stringify(text[i]) };
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail();
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x') || i >= text.length) fail();
      }
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail();
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail();
      }
    }
    if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail();
      }
    }
    if (ch === '"') return string();
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return number();
    fail();
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
    return undefined;
  } catch (error) {
    if (error && typeof error === 'object' && 'offset' in error) return error as { offset: number; found: string };
    throw error;
  }
}

/** Parses JSON text; LintInputError with the line for malformed input. */
export function parseJsonText(text: string, display: string): unknown {
  if (text.trim() === '') throw new LintInputError(display, 'is empty, expected JSON');
  try {
    return JSON.parse(text);
  } catch {
    const problem = jsonSyntaxError(text);
    if (!problem) throw new LintInputError(display, 'malformed JSON');
    const { line, column } = lineAt(text, problem.offset);
    throw new LintInputError(display, `malformed JSON at line ${line}, column ${column}: unexpected ${problem.found}`);
  }
}

/** Parses YAML text holding one document; LintInputError with the line for malformed input. */
export function parseYamlText(text: string, display: string): unknown {
  if (text.trim() === '') throw new LintInputError(display, 'is empty, expected YAML');
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (!Array.isArray(docs)) throw new LintInputError(display, 'is empty, expected YAML');
  if (docs.length !== 1) throw new LintInputError(display, `holds ${docs.length} YAML documents, expected one`);
  const doc = docs[0];
  const problem = doc.errors[0] ?? doc.warnings.find((w) => w.code === 'DUPLICATE_KEY');
  if (problem) {
    throw new LintInputError(display, `malformed YAML at line ${lineCounter.linePos(problem.pos[0]).line}: ${problem.message}`);
  }
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new LintInputError(display, `malformed YAML: ${(error as Error).message}`);
  }
}

/** Reads and parses a .json/.yaml/.yml file. */
export function parseDataFile(path: string, display: string): DataFile {
  const format = formatOf(path);
  if (!format) throw new LintInputError(display, 'unknown file type: expected a .json, .yaml or .yml file');
  const text = readTextFile(path, display);
  const value = format === 'json' ? parseJsonText(text, display) : parseYamlText(text, display);
  return { display, text, format, value };
}

/** Decodes a JSON pointer into its tokens. */
export function pointerTokens(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * A pointer -> line lookup over JSON or YAML text, parsed once: the 1-based
 * line of the node a JSON pointer names (or of its nearest existing
 * parent); undefined for every pointer when the text does not parse.
 */
export function pointerLocator(text: string): (pointer: string) => number | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  if (doc.errors.length > 0) return () => undefined;
  return (pointer) => {
    let node: unknown = doc.contents;
    let line = node && (node as YamlNode).range ? lineCounter.linePos((node as YamlNode).range![0]).line : 1;
    for (const token of pointerTokens(pointer)) {
      let child: unknown;
      let keyNode: unknown;
      if (isMap(node)) {
        const pair = node.items.find((p) => String((p.key as { value?: unknown })?.value ?? p.key) === token);
        child = pair?.value;
        keyNode = pair?.key;
      } else if (isSeq(node)) {
        child = node.items[Number(token)];
      }
      const anchor = (keyNode ?? child) as YamlNode | undefined;
      if (!anchor || !anchor.range) break;
      line = lineCounter.linePos(anchor.range[0]).line;
      node = child;
    }
    return line;
  };
}

/** Resolves locations to lines, parsing each file at most once and only when asked. */
export class LineResolver {
  private readonly locators = new Map<string, (pointer: string) => number | undefined>();
  constructor(private readonly textOf: (file: string) => string | undefined) {}

  line(location: { readonly file: string; readonly line?: number; readonly pointer?: string }): number | undefined {
    if (location.line !== undefined) return location.line;
    if (location.pointer === undefined) return undefined;
    let locate = this.locators.get(location.file);
    if (!locate) {
      const text = this.textOf(location.file);
      locate = text === undefined ? () => undefined : pointerLocator(text);
      this.locators.set(location.file, locate);
    }
    return locate(location.pointer);
  }
}
