// Self-heal restarts (the host's own timer restarts the service when a
// process group is short). A restart hides a crash, so each one opens a
// ticket: someone should learn why the runner died.
local utils = import '../lib/utils.libsonnet';

{
  prometheusAlerts+:: {
    local c = $._config,

    local groupsFor(s) = [{
      name: s.metricPrefix + '-selfheal',
      rules: [
        utils.alert(
          s.alertPrefix + 'SelfHealRestarted', 'warning',
          'increase(' + s.metricPrefix + '_selfheal_restarts_total' + utils.selector([c.nodeSelector]) +
          '[' + c.selfHealWindow + ']) > 0',
          null,
          s.displayName + ' was restarted by self-heal on {{ $labels.instance }}.',
          'Self-heal restarted ' + s.displayName + ' on {{ $labels.instance }} in the last ' +
          c.selfHealWindow + ' because a process group was short (last restart: ' + s.metricPrefix +
          '_selfheal_last_restart_timestamp_seconds). The restart brought it back, but the cause' +
          ' is unknown: read the service log around that time.'
        ),
      ],
    }],

    groups+: std.flattenArrays([groupsFor(s) for s in utils.services(c)]),
  },
}
