/**
 * Hosts with the same service model share one frozen object, and host.json,
 * which stringifies that part once per object, is byte for byte
 * `JSON.stringify(model, null, 2)`.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { MailingListHost } from '../../lib';
import { sharedServiceModel } from '../../lib/model/shared-service-models';
import type { HostModel } from '../../lib/model/types';
import { hostJson } from '../../lib/synth/stack-artifacts';
import { exampleHostModel } from '../fixtures/host-model';
import { hostProps, newStack } from '../helpers/example-props';

describe('shared service models', () => {
  it('hosts with the same service get one frozen object; another service model its own', () => {
    const stack = newStack();
    const a = new MailingListHost(stack, 'a', hostProps('lists1001.example.org'));
    const b = new MailingListHost(stack, 'b', hostProps('lists2001.example.org', 'dc2', 'B'));
    const c = new MailingListHost(stack, 'c', { ...hostProps('lists1002.example.org'), restWorkers: 4 });
    assert.equal(a.model.service, b.model.service);
    assert.notEqual(c.model.service, a.model.service);
    assert.equal(c.model.service.processGroups.find((g) => g.groupname === 'mailman-runner-rest')?.expectedProcesses, 5);
    assert.ok(Object.isFrozen(a.model.service.processGroups[0]));
    assert.throws(() => {
      (a.model.service.processGroups as unknown as unknown[]).push({});
    }, TypeError, 'a change meant for one host is an error, not a change to both');
  });

  it('keeps the first object met for equal content', () => {
    // Content no other test meets: the first object with it is this one.
    const first = { ...structuredClone(exampleHostModel().service), configFile: '/etc/mailman3/first-met.cfg' };
    const second = structuredClone(first);
    assert.equal(sharedServiceModel(first), first);
    assert.equal(sharedServiceModel(second), first);
  });
});

describe('host.json', () => {
  it('is JSON.stringify(model, null, 2) byte for byte, for shared and for tricky models', () => {
    const plain = exampleHostModel();
    const tricky: HostModel = {
      ...plain,
      fqdn: 'a"service": "x".example.org',
      contacts: [{ name: 'line\n  "service": "listhost:service-slot"', email: "$& $' $1@example.org" }],
      service: { ...plain.service, configFile: '/etc/$&/mailman.cfg', unit: 'a\nb' },
    };
    for (const model of [plain, tricky, { ...tricky, service: sharedServiceModel(structuredClone(tricky.service)) }]) {
      const expected = `${JSON.stringify(model, null, 2)}\n`;
      assert.equal(hostJson(model), expected);
      assert.equal(hostJson(model), expected, 'again, from the cached service part');
    }
  });
});
