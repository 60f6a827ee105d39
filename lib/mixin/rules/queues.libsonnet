// Recording rules per service: how fast each queue drains and how long it
// will take to empty, in SECONDS. (Wikimedia's check divides by seconds per
// message and so answers in messages squared per second; this divides the
// count by messages per second.)
//
//   <p>:queue_drain_rate:estimate   messages per second leaving the queue
//                                   net of arrivals: -deriv(messages[window]);
//                                   negative while the queue grows.
//   <p>:queue_drain_seconds:estimate  messages / drain rate, only while the
//                                   queue drains (rate > 0), and 0 for an
//                                   empty queue; no sample means "never".
local utils = import '../lib/utils.libsonnet';

{
  prometheusRules+:: {
    local c = $._config,

    local groupsFor(s) =
      local p = s.metricPrefix;
      local messages = p + '_queue_messages' + utils.selector([c.nodeSelector]);
      [{
        name: p + '-queues.rules',
        rules: [
          {
            record: p + ':queue_drain_rate:estimate',
            expr: '-deriv(' + messages + '[' + s.queueDrainWindow + '])',
          },
          {
            record: p + ':queue_drain_seconds:estimate',
            expr: '(\n  ' + messages + '\n  /\n  (' + p +
                  ':queue_drain_rate:estimate > 0)\n)\nor\n  ' + messages + ' == 0',
          },
        ],
      }],

    groups+: std.flattenArrays([groupsFor(s) for s in utils.services(c)]),
  },
}
