/**
 * Synth-time policy: the same rules over a stack's artifacts in memory,
 * and the validation adapter failing a real `app.synth()` with the rule
 * ID, the construct path and the fix (wired here the way ListhostStack
 * wires it; see the report for the exact code).
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { Annotations, Testing } from 'cdktf';
import { ListhostStack, MailingListHost } from '../../lib';
import { renderRootfs } from '../../lib/render/rootfs';
import { rootfsContributors } from '../../lib/render/contributors';
import { renderStackArtifacts } from '../../lib/synth/stack-artifacts';
import { policyValidation, runSynthPolicy, type SynthPolicyInput } from '../../lib/policy/synth-validation';
import { hostProps, STACK_PROPS } from '../helpers/example-props';
import { buildArtifacts, changed, exampleModels } from './helpers';

describe('runSynthPolicy', () => {
  it('passes the rendered example', async () => {
    const files = await buildArtifacts();
    const artifacts = new Map([...files].map(([p, content]) => [p, { content }]));
    const result = runSynthPolicy({ stack: 'lists', hosts: exampleModels().map((model) => ({ model, constructPath: `lists/${model.fqdn.split('.')[0]}` })), artifacts });
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.warnings, []);
  });

  it('reports errors with rule ID, construct path, location and fix, and warnings apart', async () => {
    const models = exampleModels();
    models[1] = changed(models[1], (m) => {
      m.platform.agent.version = '2.7';
      m.contacts = [];
    });
    const files = await buildArtifacts();
    const artifacts = new Map([...files].map(([p, content]) => [p, { content }]));
    const result = runSynthPolicy({ stack: 'lists', hosts: models.map((model) => ({ model, constructPath: `lists/${model.fqdn.split('.')[0]}` })), artifacts });
    assert.equal(result.errors.length, 1);
    assert.equal(result.errors[0].constructPath, 'lists/lists2001');
    assert.match(result.errors[0].message, /^\[LH012\] lists2001\.example\.org runs config-management agent puppet 2\.7.*\(stacks\/lists\/hosts\/lists2001\.example\.org\/host\.json:\d+\)\. Fix: Upgrade the agent/);
    assert.deepEqual(result.warnings.map((w) => w.ruleId), ['LH016']);
  });

  it('compares platforms across the whole app when given every host', async () => {
    const files = await buildArtifacts([exampleModels()[0]]);
    const artifacts = new Map([...files].map(([p, content]) => [p, { content }]));
    const other = changed(exampleModels()[1], (m) => (m.platform.release = '13'));
    const third = changed(exampleModels()[1], (m) => {
      m.fqdn = 'lists3001.example.org';
      m.platform.release = '13';
    });
    const input: SynthPolicyInput = { stack: 'lists', hosts: [{ model: exampleModels()[0], constructPath: 'lists/lists1001' }], artifacts, appHosts: [exampleModels()[0], other, third] };
    assert.match(runSynthPolicy(input).errors.map((e) => e.message).join('\n'), /\[LH011\] lists1001\.example\.org runs OS release debian 12; fleet 'default' runs debian 13/);
  });
});

describe('policyValidation in a real cdktf app', () => {
  async function app(agentVersion: string) {
    const a = Testing.app();
    const stack = new ListhostStack(a, 'lists', STACK_PROPS);
    const h1 = new MailingListHost(stack, 'lists1001', hostProps('lists1001.example.org', 'dc1', 'A'));
    const props = hostProps('lists2001.example.org', 'dc2', 'B');
    const h2 = new MailingListHost(stack, 'lists2001', { ...props, platform: { ...props.platform, agent: { name: 'puppet', version: agentVersion } } });
    await stack.prepare();
    const hosts = [h1, h2];
    const artifacts = await renderStackArtifacts(
      stack.hosts.map((model) => ({ model, rootfs: renderRootfs(model, rootfsContributors) })),
      STACK_PROPS.monitoring,
    );
    const withIcinga = new Map(artifacts);
    const { renderIcinga2 } = await import('../../lib/render/icinga2');
    if (![...artifacts.keys()].some((p) => p.startsWith('monitoring/icinga2/'))) {
      for (const [name, content] of Object.entries(renderIcinga2(stack.hosts))) withIcinga.set(`monitoring/icinga2/${name}`, { content, mode: 0o644 });
    }
    const warnings: string[] = [];
    stack.node.addValidation(
      policyValidation(
        () => ({ stack: stack.node.id, hosts: hosts.map((h) => ({ model: h.model, constructPath: h.node.path })), artifacts: withIcinga }),
        (path, message) => {
          warnings.push(`${path}: ${message}`);
          Annotations.of(stack).addWarning(message);
        },
      ),
    );
    return a;
  }

  it('fails app.synth() with the rule ID and the host construct path', async () => {
    const a = await app('2.7');
    assert.throws(() => a.synth(), (e: unknown) => /\[lists\] \[lists\/lists2001\] \[LH012\] lists2001\.example\.org runs config-management agent puppet 2\.7/.test((e as Error).message));
  });

  it('lets a compliant app synthesize', async () => {
    const a = await app('7');
    assert.doesNotThrow(() => a.synth());
  });
});
