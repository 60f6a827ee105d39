// Renders the mixin to the files synthesis writes. Top-level argument
// `config`: _config overrides (lib/monitoring/mixin-config.ts builds them).
// The library evaluates this file with node-jsonnet; the same output from
// the CLI, from the repository root (or from monitoring/mixin/ of a synth,
// with `-J .` and `render.jsonnet`):
//
//   jsonnet -J lib/mixin --tla-code-file config=cfg.json lib/mixin/render.jsonnet
//
// (no argument: the defaults of config.libsonnet). Output:
//   { "rules.yml": {groups: alert groups + recording-rule groups},
//     "dashboards": {"<name>.json": dashboard} }
// evaluateMixin() turns "rules.yml" into YAML and each dashboard into JSON.
function(config={})
  local mixin = (import 'mixin.libsonnet') + { _config+:: config };
  {
    'rules.yml': { groups: mixin.prometheusAlerts.groups + mixin.prometheusRules.groups },
    dashboards: mixin.grafanaDashboards,
  }
