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
           utils.listVisibleIf(s.listVisible, utils.alert(
             s.alertPrefix + 'WebUnavailable', 'critical',
             'avg_over_time(' + probe(s.webProbeSelector) + '[' + c.webProbeWindow + ']) < ' +
             std.toString(c.webProbeMinSuccessRatio),
             c.webProbeFor,
             s.displayName + ' web front end on {{ $labels.instance }} is unavailable.',
             'Only {{ $value | humanizePercentage }} of the web probes of {{ $labels.instance }}' +
             ' succeeded over the last ' + c.webProbeWindow + '. A probe failing now and then does not' +
             ' page (flaky pages taught people to ignore alerts); this one is down. Check the web' +
             ' server and ' + s.webBackend + ' (' + s.alertPrefix + 'RunnerDown).'
           )),
         ]) +
        (if s.databaseProbeSelector == null then [] else [
           utils.alert(
             s.alertPrefix + 'DatabaseUnreachable', 'warning',
             probe(s.databaseProbeSelector) + ' == 0',
             c.databaseProbeFor,
             'Database of ' + s.displayName + ' on {{ $labels.instance }} is unreachable.',
             'The TCP probe from {{ $labels.instance }} to its database has failed for ' +
             c.databaseProbeFor + '. ' +
             (if utils.isMailman(s)
              then utils.capitalize(s.workersNoun) + ' that lose the database die' +
                   (if s.supervisorRestartsWorkers then ' until it is back' else ' and are not restarted') +
                   ' (2023: the out runner)'
              else 'A ' + s.workerNoun + ' that loses its database may die' +
                   (if s.supervisorRestartsWorkers then ', and keep dying until it is back'
                    else ', and the ' + s.supervisorNoun + ' does not restart it')) +
             '; when the database is back, check ' + s.alertPrefix +
             'RunnerDown and restart the service if a ' + s.workerNoun + ' died.'
           ),
         ]);
      if std.length(rules) == 0 then [] else [{ name: s.metricPrefix + '-probes', rules: rules }],

    groups+: std.flattenArrays([groupsFor(s) for s in utils.services(c)]),
  },
}
