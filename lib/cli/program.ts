/**
 * The `listhost` command line: `lint` and `inventory` (CONTRACT.md section 5).
 * Exit 0: no error findings; 1: error findings (warnings too with --strict);
 * 2: unusable input or usage, with one line naming the file and the problem.
 */
import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { baselineEntries, classify, createContext, runRules, toolVersion } from '../policy/engine';
import { loadBaseline, resolveBaseline, renderBaseline } from '../policy/baseline';
import { DEFAULT_POLICY_CONFIG, loadPolicyConfig } from '../policy/config';
import { oneLine, LintInputError } from '../policy/errors';
import { inventory, renderInventoryText } from '../policy/inventory';
import { displayPath, loadLintInput } from '../policy/load';
import { renderReport, REPORT_FORMATS, type ReportFormat } from '../policy/report';
import { loadSuppressions } from '../policy/suppressions';
import { writeFileAtomic } from './atomic-write';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  /** YYYY-MM-DD; default today (UTC). */
  readonly today?: string;
}

interface LintFlags {
  readonly format: ReportFormat;
  readonly output?: string;
  readonly strict?: boolean;
  readonly suppressions?: string;
  readonly baseline?: string;
  readonly writeBaseline?: string;
  readonly config?: string;
}

function lintCommand(dir: string, flags: LintFlags, io: CliIo): number {
  const input = loadLintInput(dir, io.cwd);
  const shown = (p: string) => displayPath(p, io.cwd);
  const config = flags.config ? loadPolicyConfig(resolve(io.cwd, flags.config), shown(flags.config)) : DEFAULT_POLICY_CONFIG;
  const suppressions = flags.suppressions ? loadSuppressions(resolve(io.cwd, flags.suppressions), shown(flags.suppressions)) : undefined;
  let baseline = flags.baseline ? loadBaseline(resolve(io.cwd, flags.baseline), shown(flags.baseline)) : undefined;

  const ctx = createContext({ ...input, config });
  const raw = runRules(ctx);
  const options = { suppressions, baseline, strict: flags.strict ?? false, today: io.today, input: displayPath(dir, io.cwd) };
  let report = classify(ctx, raw, options);
  if (flags.writeBaseline) {
    const text = renderBaseline(baselineEntries(report), toolVersion());
    baseline = resolveBaseline(JSON.parse(text), shown(flags.writeBaseline));
    report = classify(ctx, raw, { ...options, baseline });
    writeFileAtomic(resolve(io.cwd, flags.writeBaseline), text, shown(flags.writeBaseline));
  }
  // Locations in host.json, spec and suppressions files resolve to lines through their text.
  const texts = new Map(input.texts);
  const rendered = renderReport(report, flags.format, (file) => texts.get(file) ?? readQuietly(resolve(io.cwd, file)), io.cwd);
  if (flags.output) {
    writeFileAtomic(resolve(io.cwd, flags.output), rendered, shown(flags.output));
    const s = report.summary;
    io.stderr(`listhost lint: ${s.errors} error(s), ${s.warnings} warning(s), ${s.suppressed} suppressed, ${s.baselined} baselined; ${flags.format} report written to ${shown(flags.output)}\n`);
  } else {
    io.stdout(rendered);
  }
  if (flags.writeBaseline) io.stderr(`listhost lint: baseline of ${baseline!.entries.length} finding(s) written to ${shown(flags.writeBaseline)}\n`);
  return report.exitCode;
}

function readQuietly(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function inventoryCommand(dir: string, flags: { site: string; row?: string; format: 'text' | 'json' }, io: CliIo): number {
  if (flags.site.trim() === '') throw new LintInputError('--site', 'is empty: name the site of the maintenance');
  if (flags.row !== undefined && flags.row.trim() === '') throw new LintInputError('--row', 'is empty: name the row, or leave --row out');
  const input = loadLintInput(dir, io.cwd);
  const inv = inventory(input.hosts, flags.site, flags.row ?? null);
  io.stdout(flags.format === 'json' ? `${JSON.stringify(inv, null, 2)}\n` : renderInventoryText(inv));
  return 0;
}

/** Runs the CLI; returns the exit code (never throws for user errors). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let code = 0;
  const program = new Command('listhost')
    .description('Policy lint and maintenance inventory for cdktf-listhost output (cdktf.out) and host specs')
    .version(toolVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: () => undefined, outputError: () => undefined })
    .showSuggestionAfterError(true);

  program
    .command('lint')
    .description('Check the artifacts as written (or a JSON/YAML host spec) against the policy rules (docs/RULES.md)')
    .argument('[dir]', 'a cdktf.out directory or a .json/.yaml host spec file', 'cdktf.out')
    .addOption(new Option('--format <format>', 'report format').choices([...REPORT_FORMATS]).default('text'))
    .option('--output <file>', 'write the report to FILE (atomically) instead of stdout')
    .option('--strict', 'warnings fail the run too')
    .option('--suppressions <file>', 'suppressions file (JSON/YAML, lib/schema/suppressions.schema.json)')
    .option('--baseline <file>', 'baseline file: findings in it do not fail the run')
    .option('--write-baseline <file>', 'write the current findings as a baseline file')
    .option('--config <file>', 'policy config (JSON/YAML, lib/policy/policy-config.schema.json): fleets, required monitoring')
    .addHelpText('after', '\nExit status: 0 no error findings; 1 error findings (and warnings, with --strict); 2 unusable input or usage.')
    .action((dir: string, flags: LintFlags) => {
      code = lintCommand(dir, flags, io);
    });

  program
    .command('inventory')
    .description('List the hosts a maintenance in a site (and row) touches, with their services and contacts')
    .argument('[dir]', 'a cdktf.out directory or a .json/.yaml host spec file', 'cdktf.out')
    .requiredOption('--site <site>', 'site of the maintenance (required)')
    .option('--row <row>', 'row of the maintenance')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText('after', '\nExit status: 0 the list was printed (a place without hosts says so and names the places that have some); 2 unusable input or usage.')
    .action((dir: string, flags: { site: string; row?: string; format: 'text' | 'json' }) => {
      code = inventoryCommand(dir, flags, io);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) return 0;
      if (error.code === 'commander.help') {
        io.stderr('listhost: missing command: use `listhost lint [DIR]` or `listhost inventory [DIR] --site S` (see listhost --help)\n');
        return 2;
      }
      io.stderr(`listhost: ${oneLine(error.message.replace(/^error: /, ''))} (see listhost --help)\n`);
      return 2;
    }
    if (error instanceof LintInputError) {
      io.stderr(`listhost: ${error.message}\n`);
      return 2;
    }
    const detail = error instanceof Error ? error.message : String(error);
    io.stderr(`listhost: internal error: ${oneLine(detail)} (set LISTHOST_DEBUG=1 for details)\n`);
    if (process.env.LISTHOST_DEBUG && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    return 2;
  }
}
