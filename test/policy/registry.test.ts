/**
 * The registry is pinned: IDs, names and levels change only with this test
 * (and a note to users). Every rule has its implementation file and every
 * implementation is registered. docs/RULES.md is generated from it.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { renderRulesMarkdown } from '../../lib/policy/docs';
import { META_RULE_IDS, RULES } from '../../lib/policy/registry';
import { IMPLEMENTATIONS } from '../../lib/policy/rules';
import { REPO } from '../helpers/synth';

const PINNED: readonly [string, string, 'error' | 'warning'][] = [
  ['LH001', 'FilesystemInodeAlerts', 'error'],
  ['LH002', 'FilesystemSpaceAlerts', 'error'],
  ['LH003', 'IcingaDiskChecks', 'error'],
  ['LH004', 'ProcessGroupAlerts', 'error'],
  ['LH005', 'ExpectedProcessCounts', 'error'],
  ['LH006', 'IcingaProcessChecks', 'error'],
  ['LH007', 'QueueAlerts', 'error'],
  ['LH008', 'IcingaQueueChecks', 'error'],
  ['LH009', 'RestoreVolumeSeparate', 'error'],
  ['LH010', 'RestoreVolumeInodes', 'error'],
  ['LH011', 'UniformOsRelease', 'error'],
  ['LH012', 'UniformAgentVersion', 'error'],
  ['LH013', 'CriticalAlertRunbooks', 'error'],
  ['LH014', 'HostLocation', 'error'],
  ['LH015', 'NoPlaintextSecrets', 'error'],
  ['LH016', 'HostContacts', 'warning'],
  ['LH017', 'AlertContract', 'warning'],
  ['LH100', 'SuppressionExpired', 'error'],
  ['LH101', 'SuppressionUnused', 'warning'],
];

describe('rule registry', () => {
  it('is pinned: IDs, names and levels', () => {
    assert.deepEqual(RULES.map((r) => [r.id, r.name, r.level]), PINNED);
  });

  it('has unique IDs and names, and a title, rationale, check and fix for each rule', () => {
    assert.equal(new Set(RULES.map((r) => r.id)).size, RULES.length);
    assert.equal(new Set(RULES.map((r) => r.name)).size, RULES.length);
    for (const r of RULES) for (const field of ['title', 'rationale', 'checks', 'fix'] as const) assert.ok(r[field].length >= 10, `${r.id}.${field}`);
  });

  it('every rule has its own implementation file, and every implementation is registered', () => {
    const names = RULES.filter((r) => !META_RULE_IDS.includes(r.id)).map((r) => r.name).sort();
    assert.deepEqual(Object.keys(IMPLEMENTATIONS).sort(), names);
    for (const name of names) assert.ok(existsSync(join(REPO, 'lib/policy/rules', `${name}.ts`)), name);
  });
});

describe('docs/RULES.md', () => {
  it('is generated from the registry and up to date (UPDATE_DOCS=1 rewrites it)', () => {
    const path = join(REPO, 'docs/RULES.md');
    const expected = renderRulesMarkdown();
    if (process.env.UPDATE_DOCS === '1') writeFileSync(path, expected);
    assert.ok(existsSync(path), 'docs/RULES.md is missing: run UPDATE_DOCS=1 node --import tsx --test test/policy/registry.test.ts');
    assert.equal(readFileSync(path, 'utf8'), expected, 'docs/RULES.md is stale: run UPDATE_DOCS=1 node --import tsx --test test/policy/registry.test.ts');
    for (const r of RULES) assert.ok(expected.includes(`## ${r.id} ${r.name}`));
  });
});
