/**
 * The rule set does not depend on the number of hosts: rules are per
 * concern and per service kind, and each host exports its own expectations.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateMixin } from '../../lib/monitoring/evaluate-mixin';
import { exampleConfig, fleet, rulesOf, twoHosts } from './helpers';

test('2 hosts and 50 hosts give the same rules and dashboards', async () => {
  const two = await evaluateMixin(exampleConfig(twoHosts()));
  const fifty = await evaluateMixin(exampleConfig(fleet(50)));
  const count = rulesOf(two.rulesYaml).length;
  assert.ok(count > 0);
  assert.equal(rulesOf(fifty.rulesYaml).length, count);
  assert.equal(fifty.rulesYaml, two.rulesYaml);
  assert.deepEqual(fifty.dashboards, two.dashboards);
});

test('no host name reaches the rules or the dashboards', async () => {
  const hosts = fleet(50);
  const out = await evaluateMixin(exampleConfig(hosts));
  const text = out.rulesYaml + Object.values(out.dashboards).join('');
  for (const h of hosts) assert.ok(!text.includes(h.fqdn), `${h.fqdn} appears in the output`);
});

test('the config for 50 hosts is the config for 2', () => {
  assert.deepEqual(exampleConfig(fleet(50)), exampleConfig(twoHosts()));
});
