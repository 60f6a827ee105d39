/**
 * LH014: every host has a real location, and the Icinga host carries it
 * (host groups per site and row are how a maintenance finds its hosts).
 * 2023: the list host was missing from a switch-upgrade list.
 */
import { HOST_VAR } from '../../render/icinga2';
import { fromViolations, modelLocation, type RuleImplementation, type Violation } from '../types';
import { violation } from './support';

const PLACEHOLDER = /^(unknown|unset|none|null|tbd|todo|n\/?a|na|default|changeme|x+|-+|\?+|0)$/i;

export const HostLocation: RuleImplementation = {
  checkHost(host, ctx) {
    const { model } = host;
    const violations: Violation[] = [];
    for (const field of ['site', 'row'] as const) {
      const value = model.location[field];
      if (typeof value !== 'string' || value.trim() === '' || PLACEHOLDER.test(value.trim())) {
        violations.push(
          violation(
            `location:${field}`,
            `${model.fqdn}: location.${field} is ${JSON.stringify(value ?? null)}, not a place; a maintenance there would not find this host`,
            modelLocation(host, `/location/${field}`),
          ),
        );
      }
    }
    const icinga = ctx.config.monitoring.icinga2 && host.stack ? host.stack.index.icinga() : undefined;
    const object = icinga?.hosts.get(model.fqdn);
    if (object) {
      const vars = object.attrs.vars as Record<string, unknown> | undefined;
      const location = vars?.[HOST_VAR.location] as Record<string, unknown> | undefined;
      for (const field of ['site', 'row'] as const) {
        if (location?.[field] !== model.location[field]) {
          violations.push(
            violation(
              `icinga-location:${field}`,
              `${model.fqdn}: the Icinga host has vars.${HOST_VAR.location}.${field} ${JSON.stringify(location?.[field] ?? null)}, the model ${JSON.stringify(model.location[field])}: Icinga's site and row host groups would miss it`,
              { file: object.file, line: object.line },
              [modelLocation(host, `/location/${field}`)],
            ),
          );
        }
      }
    }
    return fromViolations(violations);
  },
};
