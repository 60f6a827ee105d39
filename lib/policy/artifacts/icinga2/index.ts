/**
 * The Icinga 2 configuration as written (monitoring/icinga2/*.conf), read
 * the way Icinga would apply it to each host: `object Host` with its
 * imported templates, `apply Service ... for (k => v in host.vars.X)` and
 * `object Service` with `host_name`, so a rule can ask "which disk checks
 * does this host get, with which thresholds?" of the files themselves, not
 * of the model they came from.
 *
 * It covers the configuration language the renderer and hand-written
 * configs use for this: literals, arrays, dictionaries, `+`, attribute
 * paths, `typeof`, `match`, `regex`, `len`, `in`, comparisons and boolean
 * operators. Anything else evaluates to "unknown"; an `assign where` that is
 * unknown does not apply (the linter errs towards reporting a missing check).
 */
export type { Expr } from './ast';
export { evaluate, UNKNOWN } from './evaluate';
export { macroText, parseIcingaConfig, type IcingaConfig, type IcingaObject, type IcingaService } from './config';
