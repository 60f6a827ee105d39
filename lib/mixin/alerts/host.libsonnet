// The host itself. When every exporter of a host is unreachable, nothing
// else about it can be known; Alertmanager inhibits the host's other alerts
// while this fires (equal instance), so one page says what happened.
// A dead node_exporter alone does not count as the host down: it must not
// be able to hide a dead runner (process-exporter still reports).
local utils = import '../lib/utils.libsonnet';

{
  prometheusAlerts+:: {
    local c = $._config,
    groups+: [{
      name: 'listhost-host',
      rules: [
        // List members see a down host too, and HostDown inhibits the
        // host's other alerts, so it must tell the list admins itself
        // (when some service of the fleet has list admins to tell).
        utils.listVisibleIf(std.length([s for s in utils.services(c) if s.listVisible]) > 0, utils.alert(
          'HostDown', 'critical',
          'max by (instance) (up{job=~"' + c.hostDownJobs + '"}) == 0',
          c.hostDownFor,
          'Host {{ $labels.instance }} is down.',
          'No exporter on {{ $labels.instance }} (' + c.hostDownJobs + ') has answered for ' + c.hostDownFor +
          ': the host is down or cut off. Its other alerts are held back while this fires.'
        )),
      ],
    }],
  },
}
