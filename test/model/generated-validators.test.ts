/**
 * The validators compiled ahead of time (scripts/generate-validators.ts)
 * are what ajv makes of the schemas today: a schema edited without
 * regenerating its validator fails here, not silently at synth.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GENERATED_VALIDATORS, generateValidatorModule } from '../../scripts/generate-validators';
import { validateHostModel } from '../../lib/model/validate';
import { exampleHostModel } from '../fixtures/host-model';

const root = join(__dirname, '..', '..');

describe('validators generated from the schemas', () => {
  for (const { schema, module } of GENERATED_VALIDATORS) {
    it(`${module} is current with ${schema} (else: npx tsx scripts/generate-validators.ts)`, () => {
      assert.equal(readFileSync(join(root, module), 'utf8'), generateValidatorModule(schema));
    });
  }

  it('the host validator accepts the example model and names the pointer of a bad value', () => {
    assert.doesNotThrow(() => validateHostModel(exampleHostModel(), 'example'));
    const bad = { ...exampleHostModel(), fqdn: 'not a name' };
    assert.throws(() => validateHostModel(bad, 'hosts/x/host.json'), /hosts\/x\/host\.json.*\/fqdn/);
  });
});
