/**
 * `listhost lint` refuses a host spec or a cdktf.out whose process group or
 * queue file regex is outside the subset its engines read alike
 * (lib/model/portable-regex.ts), as the constructs do: a hand-written host
 * cannot carry `sleep \d+` either. The error names the file and the JSON
 * pointer, like every other model error.
 */
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { LintInputError } from '../../lib/policy/errors';
import { loadLintInput } from '../../lib/policy/load';
import { cleanup, listhost, scratch } from '../cli/helpers';
import { exampleHostModel } from '../fixtures/host-model';
import { writeFleet } from './fleet-fixture';

type Json = Record<string, any>;

const PROCESS_EXPECTED = 'is not a regular expression that RE2 (process-exporter) and POSIX ERE (pgrep, Icinga check_procs) read alike';

describe('lint: non-portable regexes in host models', () => {
  const dirs: string[] = [];
  after(() => cleanup(...dirs));
  const work = () => {
    const dir = scratch();
    dirs.push(dir);
    return dir;
  };

  function loadError(path: string, cwd: string): LintInputError {
    try {
      loadLintInput(path, cwd);
    } catch (error) {
      assert.ok(error instanceof LintInputError, String(error));
      return error;
    }
    assert.fail(`${path} was accepted`);
  }

  it('a YAML host spec: the file, the JSON pointer, the value and what is expected', () => {
    const dir = work();
    const bad = exampleHostModel('lists2001.example.org', 'dc2', 'B') as unknown as Json;
    bad.service.processGroups[2].cmdlineRegex = 'sleep \\d+';
    writeFileSync(join(dir, 'spec.yaml'), stringify({ hosts: [exampleHostModel(), bad] }));
    const error = loadError('spec.yaml', dir);
    assert.equal(error.file, 'spec.yaml');
    assert.equal(error.pointer, '/hosts/1/service/processGroups/2/cmdlineRegex');
    assert.equal(
      error.message,
      `spec.yaml at /hosts/1/service/processGroups/2/cmdlineRegex: does not match the host schema (lib/schema/host.schema.json): cmdlineRegex "sleep \\\\d+" ${PROCESS_EXPECTED}: ` +
        'at character 7, "\\d" is not portable: outside brackets a backslash may only escape one of \\ . [ ] ( ) * + ? { } | ^ $; write [0-9] or [[:digit:]]',
    );
  });

  it('a JSON host spec with a lookahead in pgrepPattern', () => {
    const dir = work();
    const bad = exampleHostModel() as unknown as Json;
    bad.service.processGroups[13].pgrepPattern = '^[^ ]+ /usr/lib/mailman3/bin/master(?! --dry-run)';
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(bad));
    const error = loadError('spec.json', dir);
    assert.equal(error.pointer, '/service/processGroups/13/pgrepPattern');
    assert.match(error.message, /^spec\.json at \/service\/processGroups\/13\/pgrepPattern: .*"\(\?!" is a lookaround, which neither RE2 nor POSIX ERE has/);
  });

  it("a cdktf.out whose host.json was edited: the host.json and the pointer (a queue file interval mawk would read as braces)", async () => {
    const fleet = await writeFleet(1);
    dirs.push(fleet.dir);
    const fqdn = fleet.hosts[0].fqdn;
    const file = join(fleet.dir, 'stacks/lists/hosts', fqdn, 'host.json');
    const model = JSON.parse(readFileSync(file, 'utf8')) as Json;
    model.service.queueFilePattern = '^[0-9]{10}(\\.[0-9]+)?\\+';
    writeFileSync(file, JSON.stringify(model, null, 2));
    const error = loadError(basename(fleet.dir), dirname(fleet.dir));
    assert.equal(error.file, `${basename(fleet.dir)}/stacks/lists/hosts/${fqdn}/host.json`);
    assert.equal(error.pointer, '/service/queueFilePattern');
    assert.match(error.message, /queueFilePattern "\^\[0-9\]\{10\}\(\\\\\.\[0-9\]\+\)\?\\\\\+" is not a regular expression that POSIX ERE in bash .* the interval "\{10\}" is read as literal braces by mawk/);
  });

  it('the real CLI: exit 2, one line on stderr naming the file and pointer', async () => {
    const dir = work();
    const bad = exampleHostModel() as unknown as Json;
    bad.service.processGroups[0].cmdlineRegex = '^[^ ]+ /usr/lib/mailman3/bin/runner .*--runner=archive:[[:word:]]';
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(bad));
    const result = await listhost(['lint', 'spec.json'], dir);
    assert.equal(result.status, 2, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /spec\.json at \/service\/processGroups\/0\/cmdlineRegex: .*\[:word:\] is RE2 only \(POSIX has no such class\); write \[\[:alnum:\]_\]/);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  });

  it('accepts the example models as specs', () => {
    const dir = work();
    writeFileSync(join(dir, 'spec.json'), JSON.stringify([exampleHostModel(), exampleHostModel('lists2001.example.org', 'dc2', 'B')]));
    assert.equal(loadLintInput('spec.json', dir).hosts.length, 2);
  });
});
