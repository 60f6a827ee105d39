// Blackbox probes of each service (job blackbox; the `probe` label tells the
// web front end from the database; see config.libsonnet for the labels).
local utils = import '../lib/utils.libsonnet';

{
  prometheusAlerts+:: {
    local c = $._config,

    local groupsFor(s) =
      local probe(matcher) = 'probe_success' + utils.selector([c.blackboxSelector, matcher]);
      local rules =
        (if s.webProbeSelector == null then [] else [
           utils.listVisible(utils.alert(
             s.alertPrefix + 'WebUnavailable', 'critical',
             'avg_over_time(' + probe(s.webProbeSelector) + '[' + c.webProbeWindow + ']) < ' +
             std.toString(c.webProbeMinSuccessRatio),
             c.webProbeFor,
             s.alertPrefix + ' web front end on {{ $labels.instance }} is unavailable.',
             'Only {{ $value | humanizePercentage }} of the web probes of {{ $labels.instance }}' +
             ' succeeded over the last ' + c.webProbeWindow + '. A probe failing now and then does not' +
             ' page (flaky pages taught people to ignore alerts); this one is down. Check the web' +
             ' server and the REST runner (' + s.alertPrefix + 'RunnerDown).'
           )),
         ]) +
        (if s.databaseProbeSelector == null then [] else [
           utils.alert(
             s.alertPrefix + 'DatabaseUnreachable', 'warning',
             probe(s.databaseProbeSelector) + ' == 0',
             c.databaseProbeFor,
             'Database of ' + s.alertPrefix + ' on {{ $labels.instance }} is unreachable.',
             'The TCP probe from {{ $labels.instance }} to its database has failed for ' +
             c.databaseProbeFor + '. Runners that lose the database die and are not restarted' +
             ' (2023: the out runner); when the database is back, check ' + s.alertPrefix +
             'RunnerDown and restart the service if a runner died.'
           ),
         ]);
      if std.length(rules) == 0 then [] else [{ name: s.metricPrefix + '-probes', rules: rules }],

    groups+: std.flattenArrays([groupsFor(s) for s in utils.services(c)]),
  },
}
