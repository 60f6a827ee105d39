/** The PromQL and Icinga 2 readers the rules rely on. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { macroText, parseIcingaConfig } from '../../lib/policy/artifacts/icinga2';
import { parsePrometheusRules } from '../../lib/policy/artifacts/prometheus-rules';
import { comparedWithNumber, keepsLabel, parsePromQL, selectorMatches, selectorUses, trendWindowMs } from '../../lib/policy/artifacts/promql';
import { LintInputError } from '../../lib/policy/errors';
import { buildArtifacts } from './helpers';

describe('PromQL', () => {
  it('parses every expression the mixin writes', async () => {
    const files = await buildArtifacts();
    const rules = parsePrometheusRules(files.get('monitoring/prometheus/rules.yml')!, 'rules.yml');
    assert.ok(rules.rules.length > 15);
    assert.deepEqual(rules.rules.filter((r) => r.parseError).map((r) => `${r.name}: ${r.parseError}`), []);
  });

  const parses = [
    'up',
    'sum by (instance) (rate(http_requests_total{job="a"}[5m])) > 0.5',
    'sum(rate(x[5m])) by (job)',
    'a / on(instance) group_left(x) b',
    'a > bool 1',
    'topk(3, x)',
    'quantile(0.9, x)',
    'count_values("v", x)',
    'x offset 5m',
    'x @ 1609746000',
    'x[1h:5m]',
    'max_over_time(deriv(x[5m])[1h:])',
    '-x ^ 2',
    '{__name__=~"node_.*", job="node"}',
    '{"node_filesystem_files_free", job="node"}',
    'label_replace(x, "a", "$1", "b", "(.*)")',
    'x unless on (instance) y or z and w',
    'time() - x > 600',
    'absent(x{a="b"})',
    'x # a comment\n  > 1',
    'x{a="b",}',
    'histogram_quantile(0.9, sum by (le) (rate(x_bucket[5m])))',
    'sum without (mountpoint) (x)',
    '1e3 + 0x1f + Inf',
    'x[1h30m]',
  ];
  for (const expr of parses) it(`parses ${JSON.stringify(expr)}`, () => assert.ok(parsePromQL(expr)));

  const fails = ['sum(', 'x{a="b"', 'x[5]x', 'a +', '(a', 'x{a=b}', 'x[5m', 'rate(x[5m]', '1.5m', ')'];
  for (const expr of fails) it(`rejects ${JSON.stringify(expr)}`, () => assert.throws(() => parsePromQL(expr)));

  it('matches selectors as Prometheus does (anchored regexes, absent label is "")', () => {
    const [use] = selectorUses(parsePromQL('node_filesystem_files_free{job="node",fstype!~"tmpfs|ramfs",mountpoint!="",device=~"/dev/vd.*"}'));
    const labels = { job: 'node', fstype: 'ext4', mountpoint: '/', device: '/dev/vda1' };
    assert.ok(selectorMatches(use.selector, 'node_filesystem_files_free', labels));
    assert.ok(!selectorMatches(use.selector, 'node_filesystem_files', labels), 'name');
    assert.ok(!selectorMatches(use.selector, 'node_filesystem_files_free', { ...labels, fstype: 'tmpfs' }));
    assert.ok(selectorMatches(use.selector, 'node_filesystem_files_free', { ...labels, fstype: 'tmpfs2' }), 'regex is anchored');
    assert.ok(!selectorMatches(use.selector, 'node_filesystem_files_free', { ...labels, mountpoint: '' }));
    assert.ok(!selectorMatches(use.selector, 'node_filesystem_files_free', { ...labels, device: 'x/dev/vda' }));
    const [byName] = selectorUses(parsePromQL('{__name__=~"node_filesystem_.*_free"}'));
    assert.ok(selectorMatches(byName.selector, 'node_filesystem_files_free', {}));
    assert.ok(!selectorMatches(byName.selector, 'node_load1', {}));
  });

  it('knows which labels aggregations keep, the trend window, and what a selector is compared with', () => {
    const uses = selectorUses(parsePromQL('sum by (instance, groupname) (a{x="1"}) < on (instance, groupname) max by (instance) (b) or sum(c) or topk(1, d) or sum without (groupname) (e)'));
    const kept = Object.fromEntries(uses.map((u) => [u.selector.name, keepsLabel(u, 'groupname')]));
    assert.deepEqual(kept, { a: true, b: false, c: false, d: true, e: false });
    const [trend] = selectorUses(parsePromQL('predict_linear(x[6h], 3600) < 0'));
    assert.equal(trendWindowMs(trend), 6 * 3600 * 1000);
    const [sub] = selectorUses(parsePromQL('deriv(x[10m:1m]) > 0'));
    assert.equal(trendWindowMs(sub), 10 * 60 * 1000);
    const [plain] = selectorUses(parsePromQL('x / y * 100 < 5'));
    assert.equal(trendWindowMs(plain), undefined);
    assert.deepEqual(comparedWithNumber(selectorUses(parsePromQL('sum by (g) (x) < 3'))[0]), { op: '<', value: 3 });
    assert.deepEqual(comparedWithNumber(selectorUses(parsePromQL('0 < x'))[0]), { op: '>', value: 0 });
    assert.equal(comparedWithNumber(selectorUses(parsePromQL('x < y'))[0]), undefined);
  });

  it('reports malformed rule files with the file and line, and non-rule files with a pointer', () => {
    assert.throws(() => parsePrometheusRules('groups:\n  - name: a\n    rules: [\n', 'rules.yml'), (e: unknown) => e instanceof LintInputError && /rules\.yml: malformed YAML at line \d/.test(e.message));
    assert.throws(() => parsePrometheusRules('groups: 3\n', 'rules.yml'), (e: unknown) => e instanceof LintInputError && e.pointer === '/groups');
    assert.throws(() => parsePrometheusRules('groups:\n  - name: a\n    rules:\n      - expr: up\n', 'rules.yml'), (e: unknown) => e instanceof LintInputError && e.pointer === '/groups/0/rules/0');
    const file = parsePrometheusRules('groups:\n  - name: a\n    rules:\n      - alert: A\n        expr: up == 0\n      - alert: B\n        expr: "sum("\n', 'rules.yml');
    assert.deepEqual(file.rules.map((r) => [r.name, r.line, r.parseError === undefined]), [['A', 4, true], ['B', 6, false]]);
  });
});

describe('Icinga 2 configuration', () => {
  const conf = `
template Host "t" { vars.from_template = "yes" }
template Service "s" { vars.base = 1 }
object Host "h1" {
  import "t"
  address = "h1"  // comment
  vars.things = {
    "a" = { "path" = "/a", "n" = 2 }
    b = { "path" = "/b", "n" = 3 }
  }
  vars.list = [ "x",
    "y" ]
  vars.regex = "^a( |$$)"
}
/* a block
   comment */
object Host "h2" { vars.other = true }
apply Service "thing-" for (key => thing in host.vars.things) {
  import "s"
  check_command = "disk"
  vars.p = [ thing.path ]
  vars.range = thing.n + ":" + thing.n
  vars.label = "x-" + key
  assign where "t" in host.templates && typeof(host.vars.things) == Dictionary
  ignore where key == "b" && host.name == "nobody"
}
apply Service "single" {
  check_command = "procs"
  vars.where = host.vars.from_template
  assign where host.vars.other == true || match("h1*", host.name)
}
object Service "explicit" {
  host_name = "h2"
  check_command = "tcp"
}
`;

  it('applies templates, apply-for rules and explicit services per host', () => {
    const config = parseIcingaConfig([{ file: 'x.conf', text: conf }]);
    assert.deepEqual([...config.hosts.keys()], ['h1', 'h2']);
    const h1 = config.hosts.get('h1')!;
    assert.deepEqual(h1.templates, ['t', 'h1']);
    assert.equal((h1.attrs.vars as Record<string, unknown>).from_template, 'yes');
    assert.equal(macroText((h1.attrs.vars as Record<string, unknown>).regex), '^a( |$)');
    const s1 = config.servicesFor('h1');
    assert.deepEqual(s1.map((s) => s.name), ['thing-a', 'thing-b', 'single']);
    assert.deepEqual(s1[0].vars, { base: 1, p: ['/a'], range: '2:2', label: 'x-a' });
    assert.equal(s1[0].line, 18);
    assert.equal(s1[2].vars.where, 'yes');
    assert.deepEqual(config.servicesFor('h2').map((s) => s.name), ['explicit', 'single']);
    assert.deepEqual(config.servicesFor('nobody'), []);
  });

  it('reads the configuration the library renders: every volume, group and queue of each host', async () => {
    const files = await buildArtifacts();
    const config = parseIcingaConfig([...files].filter(([p]) => p.startsWith('monitoring/icinga2/')).map(([p, text]) => ({ file: p, text })));
    const services = config.servicesFor('lists1001.example.org');
    assert.equal(services.filter((s) => s.checkCommand === 'disk').length, 3);
    assert.equal(services.filter((s) => s.checkCommand === 'procs').length, 14);
    assert.equal(services.filter((s) => s.checkCommand === 'listhost-queue').length, 12);
    const rest = services.find((s) => s.name === 'procs-mailman-runner-rest')!;
    assert.equal(rest.vars.procs_critical, '3:3');
  });

  it('reports an unterminated string with the file and line', () => {
    assert.throws(() => parseIcingaConfig([{ file: 'hosts.conf', text: 'object Host "a" {\n  address = "oops\n}\n' }]), (e: unknown) => e instanceof LintInputError && /hosts\.conf: malformed Icinga 2 configuration at line 2: unterminated string/.test(e.message));
  });
});

describe('Icinga 2 values shared between objects', () => {
  it('a template literal is not changed by an object that sets a key inside it', () => {
    const config = parseIcingaConfig([
      {
        file: 't.conf',
        text: 'template Host "t" {\n  vars.d = { "a" = 1 }\n}\nobject Host "x" {\n  import "t"\n  vars.d.b = 2\n}\nobject Host "y" {\n  import "t"\n}\n',
      },
    ]);
    assert.deepEqual((config.hosts.get('x')!.attrs.vars as Record<string, unknown>).d, { a: 1, b: 2 });
    assert.deepEqual((config.hosts.get('y')!.attrs.vars as Record<string, unknown>).d, { a: 1 });
  });

  it('an object setting several keys keeps them all, and leaves the template and its siblings alone', () => {
    const config = parseIcingaConfig([
      {
        file: 't.conf',
        text:
          'template Host "t" {\n  vars.d = { "a" = 1 }\n  vars.keep = "t"\n}\n' +
          'object Host "x" {\n  import "t"\n  vars.one = 1\n  vars.d.b = 2\n  vars.two = 2\n  vars.d.c = 3\n}\n' +
          'object Host "y" {\n  import "t"\n  vars.d.z = 9\n}\n',
      },
    ]);
    assert.deepEqual(config.hosts.get('x')!.attrs.vars, { d: { a: 1, b: 2, c: 3 }, keep: 't', one: 1, two: 2 });
    assert.deepEqual(config.hosts.get('y')!.attrs.vars, { d: { a: 1, z: 9 }, keep: 't' });
  });
});
