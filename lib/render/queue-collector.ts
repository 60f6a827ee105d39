/**
 * The queue textfile collector: counts the messages of every queue and the
 * age of the oldest one, and writes them with the host's expected process
 * counts, and the live processes of the groups it counts itself
 * (ProcessGroupModel.countedBy 'collector', with pgrep), for node_exporter's
 * textfile collector, atomically (write to a temporary file in the same
 * directory, then rename).
 *
 * The 2023 outage: the `out` queue grew for two days and its size was not
 * monitored at all. The age of the oldest message is the signal that tells a
 * queue that stopped draining from a big posting that is draining.
 */
import type { HostModel } from '../model/types';
import { generatedHeader, shq, type RootfsFile } from './shell';
import { timerUnits } from './systemd';

export const LISTHOST_LIBEXEC = '/usr/local/lib/listhost';

export function queueCollectorPath(host: HostModel): string {
  return `${LISTHOST_LIBEXEC}/${host.service.metricPrefix}-queue-collector`;
}

/** The metric names the collector writes (CONTRACT.md section 3). */
export function queueMetricNames(prefix: string) {
  return {
    messages: `${prefix}_queue_messages`,
    oldestAge: `${prefix}_queue_oldest_message_age_seconds`,
    lastSuccess: `${prefix}_queue_collector_last_success_timestamp_seconds`,
    expectedProcesses: `${prefix}_runner_expected_processes`,
    liveProcesses: `${prefix}_process_group_live_processes`,
  };
}

/** The script's line that counts one collector-counted group: `count_group NAME USER PATTERN`. */
export function countGroupCall(group: { readonly groupname: string; readonly user: string; readonly pgrepPattern: string }): string {
  return `count_group ${shq(group.groupname)} ${shq(group.user)} ${shq(group.pgrepPattern)}`;
}

/** Where the host's queue collector writes its textfile (node_exporter reads it; so may the Icinga queue check). */
export function queueTextfilePath(host: HostModel): string {
  return `${host.exporters.textfileDirectory}/${host.service.metricPrefix}_queues.prom`;
}

export function renderQueueCollector(host: HostModel): string {
  const { service } = host;
  const names = queueMetricNames(service.metricPrefix);
  const output = queueTextfilePath(host);
  const expected = service.processGroups
    .map((group) => `${names.expectedProcesses}{groupname="${group.groupname}"} ${group.expectedProcesses}`)
    .join('\n');
  const queueCalls = service.queues.map((queue) => `measure_queue ${shq(queue.name)} ${shq(queue.directory)}`).join('\n');
  const counted = service.processGroups.filter((group) => group.countedBy === 'collector');
  // pgrep reads each process's current command line on every run and skips
  // zombies (their command line is empty); it never matches itself.
  const countGroup =
    counted.length === 0
      ? ''
      : `
# count_group NAME USER PATTERN: appends the live processes of one group.
count_group() {
  live=$(pgrep -c -u "$2" -f -- "$3")
  rc=$?
  if [ "$rc" -gt 1 ]; then
    echo "process group $1: pgrep failed (status $rc)" >&2
    failed=1
    return 0
  fi
  printf '%s{groupname="%s"} %d\\n' ${shq(names.liveProcesses)} "$1" "$live" >> "$tmp" || failed=1
}
`;
  const groupCalls =
    counted.length === 0
      ? ''
      : `printf '# HELP %s Live processes of the process group, counted by this collector (pgrep).\\n# TYPE %s gauge\\n' ${shq(names.liveProcesses)} ${shq(names.liveProcesses)} >> "$tmp" || exit 1
${counted.map(countGroupCall).join('\n')}
`;
  return `#!/bin/sh
${generatedHeader('#', `queue collector for ${service.kind}`)}
set -u
LC_ALL=C
export LC_ALL

output=\${LISTHOST_TEXTFILE:-${shq(output)}}
pattern=${shq(service.queueFilePattern ?? '')}
glob=${shq(service.queueFileGlob)}
tmp="$output.$$.tmp"
now=$(date +%s)
failed=0
trap 'rm -f "$tmp"' EXIT

# measure_queue NAME DIR: appends the count and the oldest age of one queue.
measure_queue() {
  if [ ! -d "$2" ] || [ ! -r "$2" ]; then
    echo "queue $1: cannot read directory $2" >&2
    failed=1
    return 0
  fi
  find "$2" -mindepth 1 -maxdepth ${service.queueFileMaxDepth} -type f -name "$glob" -printf '%T@ %f\\n' |
    QUEUE="$1" NOW="$now" PATTERN="$pattern" awk '
      BEGIN { queue = ENVIRON["QUEUE"]; now = ENVIRON["NOW"] + 0; pattern = ENVIRON["PATTERN"] }
      {
        name = substr($0, index($0, " ") + 1)
        t = (pattern != "" && name ~ pattern) ? name + 0 : $1 + 0
        if (count == 0 || t < oldest) oldest = t
        count++
      }
      END {
        a = (count > 0 && now > oldest) ? int(now - oldest) : 0
        printf "${names.messages}{queue=\\"%s\\"} %d\\n", queue, count
        printf "${names.oldestAge}{queue=\\"%s\\"} %d\\n", queue, a
      }' >> "$tmp" || failed=1
}
${countGroup}
{
  printf '# HELP %s Messages waiting in the queue directory.\\n# TYPE %s gauge\\n' ${shq(names.messages)} ${shq(names.messages)}
  printf '# HELP %s Age of the oldest message in the queue, from its enqueue time.\\n# TYPE %s gauge\\n' ${shq(names.oldestAge)} ${shq(names.oldestAge)}
} > "$tmp" || exit 1
${queueCalls}
cat >> "$tmp" <<'EXPECTED' || exit 1
# HELP ${names.expectedProcesses} Processes this host's configuration runs in each group.
# TYPE ${names.expectedProcesses} gauge
${expected}
EXPECTED
${groupCalls}if [ "$failed" -eq 0 ]; then
  printf '# HELP %s When the collector last read every queue.\\n# TYPE %s gauge\\n%s %s\\n' \\
    ${shq(names.lastSuccess)} ${shq(names.lastSuccess)} ${shq(names.lastSuccess)} "$now" >> "$tmp" || exit 1
fi
chmod 0644 "$tmp"
mv -f "$tmp" "$output"
trap - EXIT
exit "$failed"
`;
}

export function queueCollectorFiles(host: HostModel): RootfsFile[] {
  const unit = `listhost-${host.service.metricPrefix}-queue-collector`;
  return [
    { path: queueCollectorPath(host), mode: 0o755, content: renderQueueCollector(host) },
    ...timerUnits({
      unit,
      description: `Measure ${host.service.kind} queues for node_exporter`,
      command: [queueCollectorPath(host)],
      user: 'root',
      everySeconds: 60,
    }),
  ];
}
