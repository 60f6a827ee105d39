// One overview dashboard: filesystems of the selected hosts, then per service
// its runner processes against what each host expects, queue sizes, oldest
// ages and estimated drain times. Plain JSON (no grafonnet), so the output
// only changes when this file or _config does.
local utils = import '../lib/utils.libsonnet';

{
  grafanaDashboards+:: {
    local c = $._config,
    local ds = { type: 'prometheus', uid: '${datasource}' },
    local onInstance = 'instance=~"$instance"',

    local target(expr, legend) = { expr: expr, legendFormat: legend },
    local panel(title, unit, description, targets) = {
      type: 'timeseries',
      title: title,
      description: description,
      datasource: ds,
      fieldConfig: { defaults: { unit: unit }, overrides: [] },
      options: {
        legend: { displayMode: 'table', placement: 'bottom', showLegend: true },
        tooltip: { mode: 'multi', sort: 'none' },
      },
      targets: [
        targets[i] { datasource: ds, refId: std.char(65 + i) }
        for i in std.range(0, std.length(targets) - 1)
      ],
    },

    local fs = utils.selector([c.nodeSelector, c.fsSelector, c.fsMountpointSelector, onInstance]),
    local filesystemPanels = [
      panel('Inodes free', 'percent', 'Free inodes per filesystem; the burst alert fires when the recent trend reaches zero within the hour.', [
        target('100 * node_filesystem_files_free' + fs + ' / node_filesystem_files' + fs, '{{instance}} {{mountpoint}}'),
      ]),
      panel('Space free', 'percent', 'Available space per filesystem.', [
        target('100 * node_filesystem_avail_bytes' + fs + ' / node_filesystem_size_bytes' + fs, '{{instance}} {{mountpoint}}'),
      ]),
    ],

    local servicePanels(s) =
      local p = s.metricPrefix;
      local node = utils.selector([c.nodeSelector, onInstance]);
      local masterByCollector = s.masterGroup != null && s.masterCountedBy == 'collector';
      local groups = s.runnerGroupRegex + (if s.masterGroup == null || masterByCollector then '' else '|' + s.masterGroup);
      [
        panel(s.displayName + ' processes vs expected', 'short', 'Running processes per group (process-exporter' +
                                                                 (if !masterByCollector && s.collectorRunnerGroupRegex == null then '' else '; the host\'s collector, with pgrep, for the groups it counts') +
                                                                 ') against what the host expects (its own configuration).', [
          target('sum by (instance, groupname) (namedprocess_namegroup_num_procs' +
                 utils.selector([c.processSelector, 'groupname=~"' + groups + '"', onInstance]) + ')',
                 '{{instance}} {{groupname}} running'),
          target('max by (instance, groupname) (' + s.expectedProcessesMetric + node + ')',
                 '{{instance}} {{groupname}} expected'),
        ] + (
          // groups the host's collector counts itself (pgrep), e.g. the master
          if !masterByCollector && s.collectorRunnerGroupRegex == null then [] else [
            target('max by (instance, groupname) (' + s.liveProcessesMetric + node + ')',
                   '{{instance}} {{groupname}} running'),
          ]
        )),
        panel(s.displayName + ' queue messages', 'short', 'Messages waiting per queue.', [
          target(p + '_queue_messages' + node, '{{instance}} {{queue}}'),
        ]),
        panel(s.displayName + ' oldest message age', 's', 'Age of the oldest message per queue: grows a second per second when a queue stops draining.', [
          target(p + '_queue_oldest_message_age_seconds' + node, '{{instance}} {{queue}}'),
        ]),
        panel(s.displayName + ' queue drain time', 's', 'Estimated seconds until the queue is empty at the net drain rate of the last ' + s.queueDrainWindow + '; no value while the queue grows.', [
          target(p + ':queue_drain_seconds:estimate' + utils.selector([onInstance]), '{{instance}} {{queue}}'),
        ]),
      ],

    local panels = filesystemPanels + std.flattenArrays([servicePanels(s) for s in utils.services(c)]),

    [$._config.dashboardUid + '.json']: {
      uid: c.dashboardUid,
      title: c.dashboardTitle,
      tags: c.dashboardTags,
      schemaVersion: 39,
      version: 1,
      editable: false,
      graphTooltip: 1,
      refresh: c.dashboardRefresh,
      time: { from: 'now-6h', to: 'now' },
      timezone: 'utc',
      annotations: { list: [] },
      links: [],
      templating: {
        list: [
          {
            name: 'datasource',
            label: 'Data source',
            type: 'datasource',
            query: 'prometheus',
            current: {},
            hide: 0,
            options: [],
            refresh: 1,
            regex: '',
          },
          {
            local q = 'label_values(node_filesystem_size_bytes' + utils.selector([c.nodeSelector]) + ', instance)',
            name: 'instance',
            label: 'Host',
            type: 'query',
            datasource: ds,
            definition: q,
            query: { query: q, refId: 'instance' },
            current: {},
            hide: 0,
            includeAll: true,
            allValue: '.+',
            multi: true,
            options: [],
            refresh: 2,
            regex: '',
            sort: 1,
          },
        ],
      },
      panels: [
        panels[i] {
          id: i + 1,
          gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: std.floor(i / 2) * 8 },
        }
        for i in std.range(0, std.length(panels) - 1)
      ],
    },
  },
}
