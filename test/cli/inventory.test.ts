/**
 * `listhost inventory`: the hosts a maintenance in a site (and row)
 * touches, with their services and contacts (2023: the list host was
 * missing from a switch-upgrade list and its owners were never told).
 */
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { cleanup, listhost, scratch, synthesizedExample } from './helpers';

describe('listhost inventory', () => {
  const work = scratch();
  after(() => cleanup(work));

  it('lists the host in site dc1 with its service, checks and contacts', async () => {
    const r = await listhost(['inventory', synthesizedExample(), '--site', 'dc1']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^A maintenance in site dc1 touches 1 host:/);
    assert.match(r.stdout, /^lists1001\.example\.org {2}\(stack lists; site dc1, row A, rack -\)$/m);
    assert.doesNotMatch(r.stdout, /lists2001/);
    assert.match(r.stdout, /service: {2}mailman3 3\.3\.8 \(mailman3\.service\); debian 12, puppet 7/);
    assert.match(r.stdout, /database: db1001\.example\.org:3306/);
    assert.match(r.stdout, /contacts: list admins <listadmins@example\.org>/);
    assert.match(r.stdout, /icinga: {3}host groups listhost-site-dc1, listhost-row-dc1-A; \d+ services to downtime/);
    assert.match(r.stdout, /^Tell: list admins <listadmins@example\.org>$/m);
  });

  it('narrows to a row and prints JSON', async () => {
    const r = await listhost(['inventory', synthesizedExample(), '--site', 'dc2', '--row', 'B', '--format', 'json']);
    assert.equal(r.status, 0);
    const inv = JSON.parse(r.stdout);
    assert.deepEqual(inv.hosts.map((h: { fqdn: string }) => h.fqdn), ['lists2001.example.org']);
    assert.equal(inv.row, 'B');
    assert.deepEqual(inv.contacts, [{ name: 'list admins', email: 'listadmins@example.org' }]);
    assert.ok(inv.hosts[0].icingaServices.includes('procs-mailman-runner-out'));
    const none = JSON.parse((await listhost(['inventory', synthesizedExample(), '--site', 'dc2', '--row', 'A', '--format', 'json'])).stdout);
    assert.deepEqual(none.hosts, []);
  });

  it('says so for a place without hosts, naming the places that have some', async () => {
    const r = await listhost(['inventory', synthesizedExample(), '--site', 'dc01']);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, 'No hosts in site dc01. Places with hosts: dc1, dc2.\n');
  });

  it('works on a host spec file too', async () => {
    const stack = join(synthesizedExample(), 'stacks/lists/hosts');
    const models = ['lists1001.example.org', 'lists2001.example.org'].map((h) => JSON.parse(readFileSync(join(stack, h, 'host.json'), 'utf8')));
    writeFileSync(join(work, 'hosts.yml'), stringify(models));
    const r = await listhost(['inventory', 'hosts.yml', '--site', 'dc2', '--format', 'json'], work);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).hosts.map((h: { fqdn: string; stack: null }) => [h.fqdn, h.stack]), [['lists2001.example.org', null]]);
  });
});
