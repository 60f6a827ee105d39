// Cross-cutting post-processing: every alert gets
//   runbook_url = _config.runbookBaseUrl + <alertname> + '.md'
// (monitoring/runbooks/<Alert>.md). Merged last by mixin.libsonnet, so it
// sees the alerts of every part; an alert that already names its runbook
// keeps it.
local utils = import '../lib/utils.libsonnet';

{
  prometheusAlerts+:: {
    local addRunbookUrl(rule) =
      if std.objectHas(rule, 'alert') && !std.objectHas(rule.annotations, 'runbook_url')
      then rule { annotations+: { runbook_url: $._config.runbookBaseUrl + rule.alert + '.md' } }
      else rule,
    groups: utils.mapRules(addRunbookUrl, super.groups),
  },
}
