// Workers and supervisor of each service, one group per service.
//
// Every host exports what it expects (<expectedProcessesMetric>{groupname},
// from its own configuration, job node), so one rule compares each
// process-exporter group against it `on (instance, groupname)` for the
// whole fleet. A total count hides one dead runner (2023: 14 of 15 looked
// fine), so each group is checked on its own; and process-exporter only
// reports groups it has seen, so a group with no series at all fires too.
//
// Groups the host's collector counts itself (masterCountedBy and
// collectorRunnerGroupRegex: a supervisor whose forked workers carry its
// command line until they exec) are read from <liveProcessesMetric>
// {groupname}, which the collector writes with the expected counts.
local utils = import '../lib/utils.libsonnet';

{
  prometheusAlerts+:: {
    local c = $._config,

    local groupsFor(s) =
      local runners = utils.selector([c.processSelector, 'groupname=~"' + s.runnerGroupRegex + '"']);
      local expected = 'max by (instance, groupname) (' + s.expectedProcessesMetric +
                       utils.selector([c.nodeSelector, 'groupname=~"' + s.runnerGroupRegex + '"']) + ')';
      // A runner killed by a signal stays a zombie until the master is next
      // signalled (verified on 3.3.8: the master sits in pause() and does not
      // reap), and process-exporter keeps counting it in num_procs; so the
      // zombies of each group are subtracted.
      local counted = 'sum by (instance, groupname) (namedprocess_namegroup_num_procs' + runners + ')';
      local zombies = 'sum by (instance, groupname) (namedprocess_namegroup_states' +
                      utils.selector([c.processSelector, 'groupname=~"' + s.runnerGroupRegex + '"', 'state="Zombie"']) + ')';
      local running = '(' + counted + ' - (' + zombies + ' or ' + counted + ' * 0))';
      local hosts = 'group by (instance) (' + s.expectedProcessesMetric + utils.selector([c.nodeSelector]) + ')';
      local dbAlert = s.alertPrefix + 'DatabaseUnreachable';
      // Worker groups the collector counts: below what the host expects, or
      // expected with no live count (a collector that does not count them).
      local collectorRunners =
        if s.collectorRunnerGroupRegex == null then '' else
          local sel = utils.selector([c.nodeSelector, 'groupname=~"' + s.collectorRunnerGroupRegex + '"']);
          local live = 'max by (instance, groupname) (' + s.liveProcessesMetric + sel + ')';
          local wanted = 'max by (instance, groupname) (' + s.expectedProcessesMetric + sel + ')';
          '\nor on (instance, groupname)\n(\n  ' + live + '\n  < on (instance, groupname)\n  ' + wanted + '\n)' +
          '\nor on (instance, groupname)\n(\n  ' + wanted + ' * 0' +
          '\n  unless on (instance, groupname)\n  ' + s.liveProcessesMetric + sel + '\n)';
      [{
        name: s.metricPrefix + '-processes',
        rules: [
          utils.alert(
            s.alertPrefix + 'RunnerDown', 'critical',
            '(\n  ' + running + '\n  < on (instance, groupname)\n  ' + expected + '\n)' +
            '\nor on (instance, groupname)\n(\n  ' + expected + ' * 0' +
            '\n  unless on (instance, groupname)\n  namedprocess_namegroup_num_procs' + runners + '\n)' +
            collectorRunners,
            s.runnerDownFor,
            s.displayName + ' ' + s.workerNoun + ' {{ $labels.groupname }} is down on {{ $labels.instance }}.',
            'Process group {{ $labels.groupname }} on {{ $labels.instance }} runs {{ $value }} processes,' +
            ' fewer than the host expects. ' +
            (if s.supervisorRestartsWorkers
             then 'The ' + s.supervisorNoun + ' starts a ' + s.workerNoun + ' that died again, so one missing' +
                  ' this long keeps dying or is held back after failing at start; its queue stops draining' +
                  ' meanwhile.'
             else 'The ' + s.supervisorNoun + ' does not restart a ' + s.workerNoun + ' that died of a signal or' +
                  ' an exception, so it stays down and its queue stops draining.') +
            // Only a service with a database probe has the database alert to point at.
            (if s.databaseProbeSelector == null then ''
             else ' Check ' + dbAlert + ' first: ' +
                  (if utils.isMailman(s) then 'in 2023 the out runner died because the database was unreachable.'
                   else 'a ' + s.workerNoun + ' that loses its database may die.')) +
            ' Restart the service once the cause is fixed.'
          ),
        ] + (
          if s.masterGroup == null then [] else [
            // Counted by process-exporter (job process) or by the host's
            // collector (job node, next to the expected counts).
            local byCollector =
              if s.masterCountedBy == 'collector' then true
              else if s.masterCountedBy == 'process-exporter' then false
              else error 'masterCountedBy of ' + s.metricPrefix + ' must be "process-exporter" or "collector"';
            local master =
              if byCollector then s.liveProcessesMetric + utils.selector([c.nodeSelector, 'groupname="' + s.masterGroup + '"'])
              else 'namedprocess_namegroup_num_procs' + utils.selector([c.processSelector, 'groupname="' + s.masterGroup + '"']);
            utils.listVisibleIf(s.listVisible, utils.alert(
              s.alertPrefix + 'MasterDown', 'critical',
              '(\n  ' + (if byCollector then 'max' else 'sum') + ' by (instance, groupname) (' + master + ') < 1\n)' +
              '\nor on (instance)\n(\n  label_replace(' + hosts + ' * 0, "groupname", "' + s.masterGroup + '", "", "")' +
              '\n  unless on (instance)\n  ' + master + '\n)',
              s.runnerDownFor,
              s.displayName + ' ' + s.supervisorNoun + ' is down on {{ $labels.instance }}.',
              'The ' + s.displayName + ' ' + s.supervisorNoun + ' process ({{ $labels.groupname }}) is not running on' +
              ' {{ $labels.instance }}: no ' + s.workerNoun + ' is supervised and nothing is delivered. Check the' +
              ' service unit and its log, then start the service.'
            )),
          ]
        ),
      }],

    groups+: std.flattenArrays([groupsFor(s) for s in utils.services(c)]),
  },
}
