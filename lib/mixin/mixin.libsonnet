// The listhost monitoring mixin (node-mixin / kubernetes-mixin convention):
// this file only merges the parts. Knobs: config.libsonnet. Outputs:
// prometheusAlerts, prometheusRules (rule files: {groups: [...]}),
// grafanaDashboards ({'<name>.json': dashboard}), _config.
// Rendered to files by render.jsonnet.
(import 'config.libsonnet') +
(import 'alerts/host.libsonnet') +
(import 'alerts/filesystem.libsonnet') +
(import 'alerts/processes.libsonnet') +
(import 'alerts/queues.libsonnet') +
(import 'alerts/probes.libsonnet') +
(import 'alerts/selfheal.libsonnet') +
(import 'rules/queues.libsonnet') +
(import 'dashboards/overview.libsonnet') +
(import 'alerts/add-runbook-links.libsonnet')
