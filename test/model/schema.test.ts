/** The JSON Schema and the TypeScript host model stay in step. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import schema from '../../lib/schema/host.schema.json';
import { PATTERN_MEANINGS, validateHostModel } from '../../lib/model/validate';
import { exampleHostModel } from '../fixtures/host-model';
import { newHost } from '../helpers/example-props';

type Json = Record<string, unknown>;

/** Every key of a value appears in the schema's properties, recursively, and every required key is present. */
function assertCovered(value: unknown, node: Json, pointer: string, root: Json): void {
  if (node.$ref) node = root.definitions ? (root.definitions as Json)[(node.$ref as string).split('/').pop()!] as Json : node;
  if (node.oneOf) {
    const branch = (node.oneOf as Json[]).find((b) => (value === null ? b.type === 'null' : b.type !== 'null'));
    if (branch) assertCovered(value, branch, pointer, root);
    return;
  }
  if (Array.isArray(value) && node.items) {
    value.forEach((item, i) => assertCovered(item, node.items as Json, `${pointer}/${i}`, root));
    return;
  }
  if (value && typeof value === 'object' && node.properties) {
    const properties = node.properties as Json;
    for (const key of Object.keys(value)) {
      assert.ok(key in properties, `${pointer}/${key} is in the model but not in host.schema.json`);
      assertCovered((value as Json)[key], properties[key] as Json, `${pointer}/${key}`, root);
    }
    for (const key of (node.required as string[]) ?? []) assert.ok(key in (value as Json), `${pointer}/${key} is required by the schema but missing from the model`);
    assert.equal(node.additionalProperties, false, `${pointer} must forbid unknown properties`);
  }
}

describe('host.schema.json', () => {
  it('accepts the model the constructs resolve', () => {
    validateHostModel(JSON.parse(JSON.stringify(newHost().model)), 'test');
  });

  it('covers every property of the model, and requires each', () => {
    assertCovered(exampleHostModel(), schema as Json, '', schema as Json);
  });

  const bad: Array<[string, (m: Json) => void, RegExp]> = [
    ['unknown property', (m) => { m.extra = 1; }, /at \/: unknown property 'extra'/],
    ['missing location', (m) => { delete m.location; }, /missing property 'location'/],
    ['bad fqdn', (m) => { m.fqdn = 'not a host'; }, /at \/fqdn: must be a lower-case fully qualified domain name such as "lists1001\.example\.org" \(letters, digits, hyphens, at least two labels\)$/],
    ['bad site name', (m) => { (m.location as Json).site = 'dc 1'; }, /at \/location\/site: must be a short name of letters, digits, "\.", "_" or "-", starting with a letter or digit, at most 63 characters$/],
    ['bad contact e-mail', (m) => { m.contacts = [{ name: 'admins', email: 'nope' }]; }, /at \/contacts\/0\/email: must be an e-mail address/],
    ['relative path', (m) => { (m.volumes as Json[])[1].mountpoint = 'srv/mailman3'; }, /at \/volumes\/1\/mountpoint: must be an absolute path/],
    ['non-integer inodes', (m) => { (m.volumes as Json[])[0].inodes = 1.5; }, /at \/volumes\/0\/inodes: must be integer/],
    ['bad severity', (m) => { ((m.service as Json).processGroups as Json[])[0].severity = 'page'; }, /at \/service\/processGroups\/0\/severity/],
    ['bad countedBy', (m) => { ((m.service as Json).processGroups as Json[])[13].countedBy = 'pgrep'; }, /at \/service\/processGroups\/13\/countedBy/],
    ['missing countedBy', (m) => { delete ((m.service as Json).processGroups as Json[])[0].countedBy; }, /missing property 'countedBy'/],
    ['queueFileMaxDepth out of range', (m) => { (m.service as Json).queueFileMaxDepth = 0; }, /at \/service\/queueFileMaxDepth/],
    ['missing queueFileMaxDepth', (m) => { delete (m.service as Json).queueFileMaxDepth; }, /missing property 'queueFileMaxDepth'/],
  ];
  it('says in words what every pattern of the schema means', () => {
    const paths: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (node === null || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node as Json)) {
        if (key === 'pattern' && typeof value === 'string') paths.push(`${at}/pattern`);
        else walk(value, `${at}/${key}`);
      }
    };
    walk(schema, '#');
    assert.equal(paths.length, 11);
    assert.deepEqual(paths.filter((p) => PATTERN_MEANINGS[p] === undefined), []);
  });

  for (const [name, mutate, message] of bad) {
    it(`rejects ${name} with a JSON pointer`, () => {
      const model = JSON.parse(JSON.stringify(exampleHostModel())) as Json;
      mutate(model);
      assert.throws(() => validateHostModel(model, 'spec.json'), (error: Error) => {
        assert.match(error.message, /^spec\.json/);
        assert.match(error.message, message);
        return true;
      });
    });
  }
});
