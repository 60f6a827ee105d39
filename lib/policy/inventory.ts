/**
 * Maintenance inventory: the hosts a maintenance in a site (and row)
 * touches, with their services and who to tell. 2023: the list host was
 * missing from a switch-upgrade list and its owners were never told.
 */
import { HOST_VAR } from '../render/icinga2';
import type { HostUnderLint } from './types';

export interface InventoryHost {
  readonly fqdn: string;
  readonly stack: string | null;
  readonly location: { readonly site: string; readonly row: string; readonly rack: string | null };
  readonly platform: string;
  readonly service: { readonly kind: string; readonly version: string; readonly unit: string };
  readonly webUrl: string | null;
  readonly database: string | null;
  readonly contacts: readonly { readonly name: string; readonly email: string }[];
  /** Icinga services of the host (as the written configuration applies them), to downtime. */
  readonly icingaServices: readonly string[];
  /** Icinga host groups that select the host's place. */
  readonly icingaHostGroups: readonly string[];
}

export interface Inventory {
  readonly site: string;
  readonly row: string | null;
  readonly hosts: readonly InventoryHost[];
  /** Everyone to tell, once each, sorted by address. */
  readonly contacts: readonly { readonly name: string; readonly email: string }[];
  /** Sites (and rows) that do have hosts, to spot a typo. */
  readonly knownPlaces: readonly string[];
}

export function inventory(hosts: readonly HostUnderLint[], site: string, row: string | null): Inventory {
  const matching = hosts
    .filter((h) => h.model.location.site === site && (row === null || h.model.location.row === row))
    .sort((a, b) => (a.model.fqdn < b.model.fqdn ? -1 : a.model.fqdn > b.model.fqdn ? 1 : 0));
  const entries = matching.map((h): InventoryHost => {
    const m = h.model;
    const icinga = h.stack?.index.icinga();
    const object = icinga?.hosts.get(m.fqdn);
    const vars = object?.attrs.vars as Record<string, unknown> | undefined;
    const groups = Array.isArray(object?.attrs.groups) ? (object!.attrs.groups as unknown[]).filter((g): g is string => typeof g === 'string') : [];
    return {
      fqdn: m.fqdn,
      stack: h.stack?.name ?? null,
      location: { site: m.location.site, row: m.location.row, rack: m.location.rack },
      platform: `${m.platform.os} ${m.platform.release}, ${m.platform.agent.name} ${m.platform.agent.version}`,
      service: { kind: m.service.kind, version: m.service.version, unit: m.service.unit },
      webUrl: m.webUrl,
      database: m.database ? `${m.database.host}:${m.database.port}` : null,
      contacts: m.contacts.map((c) => ({ name: c.name, email: c.email })),
      icingaServices: object && icinga ? icinga.servicesFor(m.fqdn).map((s) => s.name).sort() : [],
      icingaHostGroups: groups.length > 0 ? groups : vars?.[HOST_VAR.location] ? [`listhost-site-${m.location.site}`, `listhost-row-${m.location.site}-${m.location.row}`] : [],
    };
  });
  const contacts = new Map<string, { name: string; email: string }>();
  for (const h of entries) for (const c of h.contacts) if (!contacts.has(c.email)) contacts.set(c.email, c);
  const places = new Set<string>();
  for (const h of hosts) places.add(row === null ? h.model.location.site : `${h.model.location.site}/${h.model.location.row}`);
  return {
    site,
    row,
    hosts: entries,
    contacts: [...contacts.values()].sort((a, b) => (a.email < b.email ? -1 : 1)),
    knownPlaces: [...places].sort(),
  };
}

export function renderInventoryText(inv: Inventory): string {
  const place = inv.row === null ? `site ${inv.site}` : `site ${inv.site}, row ${inv.row}`;
  if (inv.hosts.length === 0) {
    return `No hosts in ${place}. Places with hosts: ${inv.knownPlaces.join(', ') || 'none'}.\n`;
  }
  const out = [`A maintenance in ${place} touches ${inv.hosts.length} host${inv.hosts.length === 1 ? '' : 's'}:`, ''];
  for (const h of inv.hosts) {
    out.push(`${h.fqdn}  (stack ${h.stack ?? '-'}; site ${h.location.site}, row ${h.location.row}, rack ${h.location.rack ?? '-'})`);
    out.push(`  service:  ${h.service.kind} ${h.service.version} (${h.service.unit}); ${h.platform}`);
    if (h.webUrl) out.push(`  web:      ${h.webUrl}`);
    if (h.database) out.push(`  database: ${h.database}`);
    out.push(`  contacts: ${h.contacts.length > 0 ? h.contacts.map((c) => `${c.name} <${c.email}>`).join(', ') : 'NONE (add contacts to the host)'}`);
    if (h.icingaServices.length > 0 || h.icingaHostGroups.length > 0) {
      out.push(`  icinga:   host groups ${h.icingaHostGroups.join(', ') || '-'}; ${h.icingaServices.length} services to downtime`);
    }
    out.push('');
  }
  out.push(`Tell: ${inv.contacts.map((c) => `${c.name} <${c.email}>`).join(', ') || 'nobody is listed'}`);
  return `${out.join('\n')}\n`;
}
