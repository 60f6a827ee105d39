/**
 * The lint's cost structure (the benchmark in bench-lint.ts measures it):
 * every file is read once, host.json and cdk.tf.json parsed once each,
 * shared artifacts (rules.yml, the Icinga configuration) parsed once per
 * stack however many hosts and rules use them, and rules.yml once for the
 * stacks that write the same text.
 */
import { strict as assert } from 'node:assert';
import { after, describe, it } from 'node:test';
import { runRules, createContext } from '../../lib/policy/engine';
import { loadLintInput } from '../../lib/policy/load';
import { ARTIFACT_PATHS, artifactStore, stackIndex } from '../../lib/policy/stack';
import { cleanup } from '../cli/helpers';
import { writeFleet } from './fleet-fixture';
import { buildArtifacts } from './helpers';

describe('lint reads and parses each file once', () => {
  const dirs: string[] = [];
  after(() => cleanup(...dirs));

  it('for a 12-host cdktf.out', async () => {
    const fleet = await writeFleet(12);
    dirs.push(fleet.dir);
    const input = loadLintInput(fleet.dir);
    assert.equal(input.stats.filesRead, fleet.files, 'each file read exactly once');
    assert.equal(input.stats.jsonParsed, 12 + 1 + 1, 'host.json per host, cdk.tf.json, manifest.json');
    const stack = input.stacks[0];
    const rules = stack.index.prometheus();
    const icinga = stack.index.icinga();
    const ctx = createContext(input);
    const runs = runRules(ctx);
    assert.ok(runs.length > 12 * 15);
    assert.equal(stack.index.prometheus(), rules, 'rules.yml parsed once for every host and rule');
    assert.equal(stack.index.icinga(), icinga, 'the Icinga configuration parsed once');
    assert.deepEqual(runs.filter((r) => r.result.status === 'non-compliant').map((r) => r.rule.id), []);
  });
});

describe('rules.yml across stacks', () => {
  it('is parsed once for stacks that write the same text, each stack keeping its own file name', async () => {
    const files = await buildArtifacts();
    const a = stackIndex(artifactStore(files, 'stacks/a/')).prometheus()!;
    const b = stackIndex(artifactStore(files, 'stacks/b/')).prometheus()!;
    assert.equal(a.rules, b.rules, 'one parse shared');
    assert.equal(a.file, `stacks/a/${ARTIFACT_PATHS.prometheusRules}`);
    assert.equal(b.file, `stacks/b/${ARTIFACT_PATHS.prometheusRules}`);
    const other = new Map(files);
    other.set(ARTIFACT_PATHS.prometheusRules, `${files.get(ARTIFACT_PATHS.prometheusRules)}\n# another stack's rules\n`);
    const c = stackIndex(artifactStore(other, 'stacks/c/')).prometheus()!;
    assert.notEqual(c.rules, a.rules, 'a different text is parsed on its own');
    assert.deepEqual(c.rules.map((r) => r.name), a.rules.map((r) => r.name));
  });
});
