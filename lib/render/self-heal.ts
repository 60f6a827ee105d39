/**
 * Runner self-healing. The Mailman master never restarts a runner that died
 * by a signal or an exception (the 2023 `out` runner stayed dead for two
 * days). Every minute this checks each process group against its expected
 * count; when one is short it restarts the whole service, at most once per
 * interval so a runner that dies at once again cannot cause a restart loop,
 * and counts every restart in a metric so the restart itself raises a
 * warning instead of hiding the crash.
 */
import type { HostModel } from '../model/types';
import { LISTHOST_LIBEXEC } from './queue-collector';
import { generatedHeader, shCommand, shq, type RootfsFile } from './shell';
import { timerUnits } from './systemd';

export function selfHealPath(host: HostModel): string {
  return `${LISTHOST_LIBEXEC}/${host.service.metricPrefix}-selfheal`;
}

export function selfHealMetricNames(prefix: string) {
  return {
    restarts: `${prefix}_selfheal_restarts_total`,
    lastRestart: `${prefix}_selfheal_last_restart_timestamp_seconds`,
    shortGroups: `${prefix}_selfheal_short_groups`,
  };
}

export function renderSelfHeal(host: HostModel): string {
  const { service, selfHeal } = host;
  const names = selfHealMetricNames(service.metricPrefix);
  const checks = service.processGroups
    .map((group) => `check_group ${shq(group.groupname)} ${shq(group.user)} ${shq(group.pgrepPattern)} ${group.expectedProcesses}`)
    .join('\n');
  return `#!/bin/sh
${generatedHeader('#', `self-heal for ${service.kind}`)}
set -u
LC_ALL=C
export LC_ALL

state_dir=\${LISTHOST_STATE_DIR:-${shq(selfHeal.stateDirectory)}}
output=\${LISTHOST_SELFHEAL_TEXTFILE:-${shq(`${host.exporters.textfileDirectory}/${service.metricPrefix}_selfheal.prom`)}}
state="$state_dir/"${shq(`${service.metricPrefix}-selfheal.state`)}
min_interval=${selfHeal.minIntervalSeconds}
now=$(date +%s)
short=0
short_names=

# check_group NAME USER PATTERN EXPECTED: counts the group's live processes.
check_group() {
  live=$(pgrep -c -u "$2" -f -- "$3" 2>/dev/null) || live=0
  if [ "$live" -lt "$4" ]; then
    short=$((short + 1))
    short_names="$short_names $1($live/$4)"
  fi
}

${checks}

mkdir -p "$state_dir" || exit 1
restarts=0
last=0
if [ -r "$state" ]; then
  read -r restarts last < "$state" || true
fi
case "$restarts" in ''|*[!0-9]*) restarts=0 ;; esac
case "$last" in ''|*[!0-9]*) last=0 ;; esac

status=0
if [ "$short" -gt 0 ]; then
  if [ $((now - last)) -ge "$min_interval" ]; then
    printf 'short process groups:%s; restarting %s\\n' "$short_names" ${shq(service.unit)} >&2
    # The words as positional parameters: any program name, exactly as given.
    set -- ${shCommand(service.restartCommand)}
    "$@" || status=1
    restarts=$((restarts + 1))
    last=$now
    printf '%s %s\\n' "$restarts" "$last" > "$state.tmp" && mv -f "$state.tmp" "$state"
  else
    echo "short process groups:$short_names; last restart $((now - last)) s ago, waiting for ${selfHeal.minIntervalSeconds} s between restarts" >&2
  fi
fi

tmp="$output.$$.tmp"
{
  printf '# HELP %s Restarts of the service by self-heal since provisioning.\\n# TYPE %s counter\\n%s %s\\n' \\
    ${shq(names.restarts)} ${shq(names.restarts)} ${shq(names.restarts)} "$restarts"
  printf '# HELP %s When self-heal last restarted the service.\\n# TYPE %s gauge\\n%s %s\\n' \\
    ${shq(names.lastRestart)} ${shq(names.lastRestart)} ${shq(names.lastRestart)} "$last"
  printf '# HELP %s Process groups below their expected count at the last check.\\n# TYPE %s gauge\\n%s %s\\n' \\
    ${shq(names.shortGroups)} ${shq(names.shortGroups)} ${shq(names.shortGroups)} "$short"
} > "$tmp" && chmod 0644 "$tmp" && mv -f "$tmp" "$output"
exit "$status"
`;
}

export function selfHealFiles(host: HostModel): RootfsFile[] {
  return [
    { path: selfHealPath(host), mode: 0o755, content: renderSelfHeal(host) },
    ...timerUnits({
      unit: `listhost-${host.service.metricPrefix}-selfheal`,
      description: `Restart ${host.service.kind} when a process group is short`,
      command: [selfHealPath(host)],
      user: 'root',
      everySeconds: host.selfHeal.checkIntervalSeconds,
    }),
  ];
}
