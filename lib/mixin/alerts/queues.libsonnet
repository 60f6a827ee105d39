// Queues of each service, from the host's textfile collector (job node):
// <metricPrefix>_queue_messages{queue}, <metricPrefix>_queue_oldest_message_age_seconds{queue},
// <metricPrefix>_queue_collector_last_success_timestamp_seconds.
//
// The age of the oldest message is the paging signal. A big posting that
// drains keeps it low while the count is high; a queue that stopped draining
// (2023: the out runner died, 4k messages over two days) makes it grow by a
// second per second.
//
// Not for a queue whose messages cycle: Mailman renames a message file with
// a new timestamp at every hop, and its retry runner moves every message
// retry -> out -> retry each 15 minutes while the local MTA refuses mail, so
// the age of `retry` never passes 15 minutes however long the outage. There
// growth is the signal (growthPagingQueues): the highest count of the last
// retry window above the highest of the window before, which held mail too.
// The window maximum ignores the minute a retry pass empties the queue; a
// blip's messages drain at the first pass after the MTA is back, so a blip
// grows for less than queueGrowingFor and stays silent.
local utils = import '../lib/utils.libsonnet';

{
  prometheusAlerts+:: {
    local c = $._config,

    local groupsFor(s) =
      local p = s.metricPrefix;
      local node = c.nodeSelector;
      local ageOf(matcher) = p + '_queue_oldest_message_age_seconds' + utils.selector([node, matcher]);
      local pagingAge = ageOf(utils.inList('queue', s.pagingQueues));
      local growthCount = p + '_queue_messages' + utils.selector([node, utils.inList('queue', s.growthPagingQueues)]);
      local growthWindow = s.queueGrowthWindow;
      local peakNow = 'max_over_time(' + growthCount + '[' + growthWindow + '])';
      local peakBefore = 'max_over_time(' + growthCount + '[' + growthWindow + '] offset ' + growthWindow + ')';
      local growthMin = std.toString(s.queueGrowthMinMessages);
      local otherAge = ageOf(utils.notInList('queue', s.pagingQueues + s.ticketQueues));
      local messages = p + '_queue_messages' + utils.selector([node]);
      local lastSuccess = p + '_queue_collector_last_success_timestamp_seconds' + utils.selector([node]);
      local warnAge = std.toString(s.queueAgeWarningSeconds);
      local critAge = std.toString(s.queueAgeCriticalSeconds);
      local onHost = 'queue {{ $labels.queue }} on {{ $labels.instance }}';
      [{
        name: p + '-queues',
        rules: (
          if std.length(s.pagingQueues) == 0 then [] else [
            utils.listVisibleIf(s.listVisible, utils.alert(
              s.alertPrefix + 'QueueStalled', 'critical',
              '(\n  ' + pagingAge + ' > ' + warnAge +
              '\nand\n  deriv(' + pagingAge + '[10m]) > 0.5\n)' +
              '\nor\n  ' + pagingAge + ' > ' + critAge,
              s.queueStalledFor,
              s.displayName + ' ' + onHost + ' is not draining.',
              'The oldest message in ' + onHost + ' has waited {{ $value | humanizeDuration }} and is' +
              ' still waiting: mail is not going out. Check ' + s.alertPrefix + 'RunnerDown' +
              (if s.databaseProbeSelector == null then '' else ' and ' + s.alertPrefix + 'DatabaseUnreachable') +
              ', then the outgoing SMTP relay. Pages when older than ' +
              warnAge + 's and getting older, or older than ' + critAge + 's at all.'
            )),
          ]
        ) + (
          if std.length(s.growthPagingQueues) == 0 then [] else [
            utils.listVisibleIf(s.listVisible, utils.alert(
              s.alertPrefix + 'QueueGrowing', 'critical',
              '(\n  ' + peakNow + ' >= ' + growthMin +
              '\nand\n  ' + peakNow + ' > ' + peakBefore +
              '\nand\n  ' + peakBefore + ' > 0\n)',
              s.queueGrowingFor,
              s.displayName + ' ' + onHost + ' keeps growing.',
              utils.capitalize(onHost) + ' has held up to {{ $value }} messages in the last ' + growthWindow + ', more than in the ' +
              growthWindow + ' before, when it held mail already: mail is not leaving the host. Its messages are' +
              ' retried and move between queues, so their age stays low and ' + s.alertPrefix + 'QueueStalled' +
              ' cannot see this. Check the SMTP server it delivers to (is it running, does it accept mail?), then ' +
              s.alertPrefix + 'RunnerDown. Pages when the queue holds at least ' + growthMin + ' messages and' +
              ' has kept growing for ' + s.queueGrowingFor + '.'
            )),
          ]
        ) + [
          utils.alert(
            s.alertPrefix + 'QueueOldMessages', 'warning',
            otherAge + ' > ' + warnAge,
            s.queueOldFor,
            s.displayName + ' ' + onHost + ' holds old messages.',
            'The oldest message in ' + onHost + ' has waited {{ $value | humanizeDuration }}' +
            ' (more than ' + warnAge + 's). The ' + s.workerNoun + ' of this queue is slow or stuck.'
          ),
          utils.alert(
            s.alertPrefix + 'QueueLarge', 'warning',
            messages + ' > ' + std.toString(s.queueMessagesWarning),
            s.queueLargeFor,
            s.displayName + ' ' + onHost + ' has many messages.',
            onHost + ' has held more than ' + std.toString(s.queueMessagesWarning) + ' messages for ' +
            s.queueLargeFor + ' ({{ $value }} now). ' + utils.capitalize(s.burstName) + ' drains faster than that; see the' +
            ' drain-time panel of the overview dashboard.'
          ),
        ] + (
          if std.length(s.ticketQueues) == 0 then [] else [
            utils.alert(
              s.alertPrefix + 'FailedMessagesQueued', 'warning',
              p + '_queue_messages' + utils.selector([node, utils.inList('queue', s.ticketQueues)]) + ' > 0',
              '1m',
              s.displayName + ' ' + onHost + ' holds messages that failed processing.',
              onHost + ' holds {{ $value }} messages that ' + s.displayName + ' could not process; they' +
              ' wait there for a human. Read the service log for the exception, fix it, then ' +
              s.requeueVerb + ' or remove them.'
            ),
          ]
        ) + [
          utils.alert(
            s.alertPrefix + 'QueueCollectorStale', 'warning',
            'time() - ' + lastSuccess + ' > ' + std.toString(c.collectorStalenessSeconds),
            '5m',
            s.displayName + ' queue collector on {{ $labels.instance }} is stale.',
            'The queue collector on {{ $labels.instance }} last succeeded {{ $value | humanizeDuration }}' +
            ' ago: queue sizes and ages are frozen, so ' + s.alertPrefix + 'QueueStalled cannot fire.' +
            ' Check its systemd timer.'
          ),
          utils.alert(
            s.alertPrefix + 'QueueCollectorMissing', 'critical',
            '(\n  (\n    group by (instance) (last_over_time(' + lastSuccess + '[' + c.collectorMemory + ']))' +
            '\n    or\n    group by (instance) (namedprocess_namegroup_num_procs' +
            utils.selector([c.processSelector, 'groupname=~"' + s.runnerGroupRegex +
                                               (if s.masterGroup == null || s.masterCountedBy == 'collector' then '' else '|' + s.masterGroup) + '"']) +
            ')\n  )\n  and on (instance)\n  up' + utils.selector([node]) +
            '\n)\nunless on (instance)\n  ' + lastSuccess,
            '10m',
            s.displayName + ' queue collector reports no success on {{ $labels.instance }}.',
            '{{ $labels.instance }} runs ' + s.displayName + ' but exports no successful queue' +
            ' measurement: the collector fails (a queue directory it cannot read), its file is gone, or' +
            ' node_exporter is down.' +
            ' Queue alerts are blind, and without the expected-process series ' + s.alertPrefix +
            'RunnerDown is blind too. Run the collector by hand and read its error.'
          ),
        ],
      }],

    groups+: std.flattenArrays([groupsFor(s) for s in utils.services(c)]),
  },
}
