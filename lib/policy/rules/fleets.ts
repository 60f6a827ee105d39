/**
 * Fleets for platform uniformity (LH011, LH012): hosts grouped by the
 * policy config's fleet globs (first match wins; the rest form 'default'),
 * each fleet's expected platform (pinned, or what most of its hosts run;
 * on a tie the newest), computed once per lint run.
 */
import type { FleetConfig } from '../config';
import { globMatches } from '../glob';
import { modelLocation, type FleetHost, type HostUnderLint, type LintContext, type RuleResult } from '../types';
import { violation } from './support';

export interface Fleet {
  readonly name: string;
  readonly config: FleetConfig | undefined;
  readonly hosts: readonly FleetHost[];
}

const cache = new WeakMap<LintContext, { byHost: Map<string, Fleet> }>();

export function fleetOf(host: HostUnderLint, ctx: LintContext): Fleet {
  let entry = cache.get(ctx);
  if (!entry) {
    const fleets = new Map<string, FleetHost[]>();
    const configs = new Map(ctx.config.fleets.map((f) => [f.name, f]));
    const assign = (h: FleetHost) => ctx.config.fleets.find((f) => f.hosts.some((g) => globMatches(g, h.model.fqdn)))?.name ?? 'default';
    const seen = new Set<string>();
    for (const h of [...ctx.fleetHosts, ...ctx.hosts]) {
      if (seen.has(h.model.fqdn)) continue;
      seen.add(h.model.fqdn);
      const name = assign(h);
      const list = fleets.get(name) ?? [];
      list.push(h);
      fleets.set(name, list);
    }
    const byHost = new Map<string, Fleet>();
    for (const [name, hosts] of fleets) {
      const fleet: Fleet = { name, config: configs.get(name), hosts };
      for (const h of hosts) byHost.set(h.model.fqdn, fleet);
    }
    entry = { byHost };
    cache.set(ctx, entry);
  }
  return entry.byHost.get(host.model.fqdn)!;
}

const collator = new Intl.Collator('en', { numeric: true });

/** The value most hosts have; on a tie the highest (newest) by natural order. */
export function majority(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || collator.compare(b[0], a[0]))[0][0];
}

interface Aspect {
  readonly what: string;
  readonly parts: (m: FleetHost['model']) => readonly [string, string];
  readonly pinned: (f: FleetConfig) => readonly [string | undefined, string | undefined];
  readonly pointer: string;
}

const memo = new WeakMap<Fleet, Map<string, readonly [string, string]>>();
const SEP = '\u0000';

export function checkUniform(host: HostUnderLint, ctx: LintContext, aspects: readonly Aspect[], key: string): RuleResult {
  const fleet = fleetOf(host, ctx);
  let expected = memo.get(fleet);
  if (!expected) {
    expected = new Map();
    memo.set(fleet, expected);
  }
  const violations = [];
  for (const aspect of aspects) {
    let most = expected.get(aspect.what);
    if (most === undefined) {
      const [a, b] = majority(fleet.hosts.map((h) => aspect.parts(h.model).join(SEP))).split(SEP);
      most = [a, b];
      expected.set(aspect.what, most);
    }
    const pinned = fleet.config ? aspect.pinned(fleet.config) : [undefined, undefined];
    const want = [pinned[0] ?? most[0], pinned[1] ?? most[1]].join(' ');
    const isPinned = pinned[0] !== undefined || pinned[1] !== undefined;
    const show = (m: FleetHost['model']) => aspect.parts(m).join(' ');
    const got = show(host.model);
    if (got === want) continue;
    const matching = fleet.hosts.filter((h) => show(h.model) === want);
    const example = matching.find((h) => h !== host);
    violations.push(
      violation(
        `${key}`,
        `${host.model.fqdn} runs ${aspect.what} ${got}; fleet '${fleet.name}' runs ${want} (${isPinned ? 'pinned in the policy config' : `${matching.length} of ${fleet.hosts.length} hosts`}${example ? `, e.g. ${example.model.fqdn}` : ''})`,
        modelLocation(host, aspect.pointer),
        example ? [modelLocation(example, aspect.pointer)] : undefined,
      ),
    );
  }
  return violations.length === 0 ? { status: 'compliant' } : { status: 'non-compliant', violations };
}

export const OS_RELEASE: Aspect = {
  what: 'OS release',
  parts: (m) => [m.platform.os, m.platform.release],
  pinned: (f) => [f.os, f.release],
  pointer: '/platform/release',
};

export const AGENT_VERSION: Aspect = {
  what: 'config-management agent',
  parts: (m) => [m.platform.agent.name, m.platform.agent.version],
  pinned: (f) => [f.agent?.name, f.agent?.version],
  pointer: '/platform/agent/version',
};
