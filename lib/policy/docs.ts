/**
 * docs/RULES.md, generated from the registry (a test fails when the
 * committed file is stale; `UPDATE_DOCS=1` rewrites it).
 */
import { RULES, type RuleMeta } from './registry';

function section(rule: RuleMeta): string {
  return [
    `## ${rule.id} ${rule.name}`,
    '',
    `**${rule.title}.** Level: \`${rule.level}\`${rule.baselinable ? '' : ' (cannot be baselined)'}.`,
    '',
    `- **Why:** ${rule.rationale}`,
    `- **Checks:** ${rule.checks}`,
    `- **Fix:** ${rule.fix}`,
    '',
  ].join('\n');
}

export function renderRulesMarkdown(rules: readonly RuleMeta[] = RULES): string {
  const table = [
    '| ID | Rule | Level | What |',
    '| --- | --- | --- | --- |',
    ...rules.map((r) => `| [${r.id}](#${r.id.toLowerCase()}-${r.name.toLowerCase()}) | ${r.name} | ${r.level} | ${r.title} |`),
  ].join('\n');
  return [
    '# Policy rules',
    '',
    '<!-- Generated from lib/policy/registry.ts by renderRulesMarkdown(); do not edit. Regenerate: UPDATE_DOCS=1 node --import tsx --test test/policy/registry.test.ts -->',
    '',
    'The rules `listhost lint` and `cdktf synth` apply. Errors fail both (exit 1 for the lint); warnings fail the lint with `--strict`.',
    'They read the artifacts as written (`cdktf.out/stacks/<stack>/...`), so a hand edit or a deleted alert is caught, and the host model',
    '(`hosts/<fqdn>/host.json`, or a JSON/YAML host spec, where the artifact checks do not apply).',
    '',
    table,
    '',
    '## Adopting the lint',
    '',
    '```sh',
    'npx cdktf synth && npx listhost lint                                   # text report; exit 0, 1 (findings) or 2 (unusable input)',
    'npx listhost lint --format sarif --output listhost.sarif                 # for code scanning',
    'npx listhost lint --write-baseline listhost-baseline.json                # accept what is there today ...',
    'npx listhost lint --baseline listhost-baseline.json                      # ... and fail only on new findings',
    'npx listhost lint --suppressions listhost-suppressions.yml --config listhost-policy.yml',
    '```',
    '',
    'A suppression (`lib/schema/suppressions.schema.json`) names the rule, the host (FQDN or glob; `stack:<name>` for a stack\'s shared files),',
    'a reason of at least 10 characters and the last day it applies:',
    '',
    '```yaml',
    'suppressions:',
    '  - rule: LH011',
    '    host: "lists2*.example.org"',
    '    reason: "dc2 moves to Debian 12 in the March maintenance (T1234)"',
    '    expires: "2026-03-31"',
    '```',
    '',
    'The policy config (`lib/policy/policy-config.schema.json`) sets fleets for LH011/LH012 (hosts matched by FQDN globs, optionally pinned',
    'to an OS release and agent version), whether Prometheus and Icinga 2 are required, and which kinds of filesystem alerts LH001/LH002 want.',
    '',
    ...rules.map(section),
  ].join('\n');
}
