/**
 * The queue check plugin: a bash script following the monitoring-plugins
 * conventions, installed by provisioning at
 * `/usr/lib/nagios/plugins/check_listhost_queue` on the list host and run by
 * the Icinga CheckCommand `listhost-queue`.
 *
 *   check_listhost_queue -d DIR -w AGE -c AGE [-W COUNT] [-C COUNT] [--pattern REGEX] [--glob GLOB] [--max-depth N]
 *
 * Counts the messages in DIR (regular files whose name matches GLOB, default
 * the host's `service.queueFileGlob`, in DIR and down to N levels of
 * subdirectories below it, default the host's `service.queueFileMaxDepth`:
 * 1 is DIR only, 2 also Postfix's hashed `deferred/A/QUEUEID`) and finds the
 * oldest one's age.
 * Mailman names queue files `<enqueue time>+<sha1 hex>.pck`, so the age comes
 * from the name: a file name matching REGEX (default the host's
 * `service.queueFilePattern`; empty: none) carries the enqueue time as its
 * leading number (Unix seconds, a fraction is dropped); other files fall back
 * to their mtime. The same rules as the queue textfile collector, so Icinga
 * and Prometheus count the same messages.
 *
 * Thresholds follow the plugin convention "alert when the value is above":
 * WARNING if the oldest message is older than AGE (-w) or there are more than
 * COUNT messages (-W), CRITICAL likewise for -c and -C. Exit 0/1/2/3 and one
 * status line:
 *
 *   QUEUE OK - out: 3 messages, oldest 42s | messages=3;1000;;0 oldest_age=42s;900;1800;0
 *
 * UNKNOWN (3) when DIR is missing or unreadable or the arguments are bad.
 */
import type { HostModel } from '../model/types';
import { QUEUE_PLUGIN_PATH } from './icinga2/names';
import { generatedHeader, shq, type RootfsFile } from './shell';

export { QUEUE_PLUGIN_PATH };

export function renderQueueCheckPlugin(host: HostModel): string {
  const what = `check_listhost_queue, the Icinga check of ${host.service.kind} queues on ${host.fqdn.replace(/[\r\n]/g, ' ')}`;
  return `#!/bin/bash
${generatedHeader('#', what)}# Usage: check_listhost_queue -d DIR -w AGE -c AGE [-W COUNT] [-C COUNT] [--pattern REGEX] [--glob GLOB] [--max-depth N]
set -u
LC_ALL=C
export LC_ALL

readonly DEFAULT_PATTERN=${shq(host.service.queueFilePattern ?? '')}
readonly DEFAULT_GLOB=${shq(host.service.queueFileGlob)}
readonly DEFAULT_MAX_DEPTH=${host.service.queueFileMaxDepth}

usage() {
  printf '%s\\n' \\
    'Usage: check_listhost_queue -d DIR -w AGE -c AGE [-W COUNT] [-C COUNT] [--pattern REGEX] [--glob GLOB] [--max-depth N]' \\
    '  -d DIR     queue directory' \\
    '  -w AGE     WARNING if the oldest message is older than AGE seconds' \\
    '  -c AGE     CRITICAL if the oldest message is older than AGE seconds' \\
    '  -W COUNT   WARNING if there are more than COUNT messages' \\
    '  -C COUNT   CRITICAL if there are more than COUNT messages' \\
    '  --pattern REGEX  extended regex; a file name matching it starts with the enqueue' \\
    '             time in Unix seconds (fraction ignored); other files are aged by mtime;' \\
    "             empty: always mtime (default: $DEFAULT_PATTERN)" \\
    "  --glob GLOB  regular files whose name matches GLOB are messages (default: $DEFAULT_GLOB)" \\
    '  --max-depth N  look for messages down to depth N, as find -maxdepth: 1 is DIR only,' \\
    "             2 also its subdirectories (default: $DEFAULT_MAX_DEPTH)"
}

# One status line: no newlines, no '|' before the performance data.
unknown() {
  local msg=\${1//$'\\n'/ }
  printf 'QUEUE UNKNOWN - %s\\n' "\${msg//|//}"
  exit 3
}

is_count() {
  case $1 in
    '' | *[!0-9]*) return 1 ;;
  esac
  [ "\${#1}" -le 15 ]
}

dir='' warn_age='' crit_age='' warn_count='' crit_count='' pattern=$DEFAULT_PATTERN glob=$DEFAULT_GLOB max_depth=$DEFAULT_MAX_DEPTH
while [ "$#" -gt 0 ]; do
  case $1 in
    -h | --help)
      usage
      exit 3
      ;;
    -d | -w | -c | -W | -C | --pattern | --glob | --max-depth)
      [ "$#" -ge 2 ] || unknown "option $1 needs a value"
      case $1 in
        -d) dir=$2 ;;
        -w) warn_age=$2 ;;
        -c) crit_age=$2 ;;
        -W) warn_count=$2 ;;
        -C) crit_count=$2 ;;
        --pattern) pattern=$2 ;;
        --glob) glob=$2 ;;
        --max-depth) max_depth=$2 ;;
      esac
      shift 2
      ;;
    --pattern=*)
      pattern=\${1#--pattern=}
      shift
      ;;
    --glob=*)
      glob=\${1#--glob=}
      shift
      ;;
    --max-depth=*)
      max_depth=\${1#--max-depth=}
      shift
      ;;
    *) unknown "unknown argument '$1' (see --help)" ;;
  esac
done

[ -n "$dir" ] || unknown 'missing -d DIR (see --help)'
[ -n "$warn_age" ] || unknown 'missing -w AGE (see --help)'
[ -n "$crit_age" ] || unknown 'missing -c AGE (see --help)'
for value in "$warn_age" "$crit_age" "$warn_count" "$crit_count"; do
  [ -z "$value" ] || is_count "$value" || unknown "threshold '$value' is not a whole number of seconds or messages"
done
# Leading zeros must not make bash read a threshold as octal.
warn_age=$((10#$warn_age))
crit_age=$((10#$crit_age))
[ -z "$warn_count" ] || warn_count=$((10#$warn_count))
[ -z "$crit_count" ] || crit_count=$((10#$crit_count))
[ "$warn_age" -le "$crit_age" ] || unknown "-w $warn_age is above -c $crit_age"
if [ -n "$warn_count" ] && [ -n "$crit_count" ] && [ "$warn_count" -gt "$crit_count" ]; then
  unknown "-W $warn_count is above -C $crit_count"
fi
if [ -n "$pattern" ]; then
  [[ '' =~ $pattern ]]
  [ "$?" -ne 2 ] || unknown "--pattern '$pattern' is not a valid extended regular expression"
fi
[ -n "$glob" ] || unknown '--glob is empty'
case $max_depth in
  [1-4]) ;;
  *) unknown "--max-depth '$max_depth' is not a depth from 1 to 4" ;;
esac

name=\${dir%/}
name=\${name##*/}
[ -n "$name" ] || name=$dir
[ -d "$dir" ] || unknown "$name: $dir does not exist or is not a directory"
{ [ -r "$dir" ] && [ -x "$dir" ]; } || unknown "$name: $dir is not readable"

printf -v now '%(%s)T' -1
shopt -s nullglob dotglob
# DIR/*, then DIR/*/* and so on down to the depth (only the stars are a pattern).
files=()
levels=''
for ((depth = 1; depth <= max_depth; depth++)); do
  levels="$levels/*"
  # shellcheck disable=SC2206
  files+=("$dir"$levels)
done
count=0
oldest=''
for path in "\${files[@]}"; do
  file=\${path##*/}
  # The glob is a pattern on purpose (unquoted), as find -name uses it.
  # shellcheck disable=SC2254
  case $file in
    $glob) ;;
    *) continue ;;
  esac
  [ -f "$path" ] || continue
  stamp=''
  if [ -n "$pattern" ] && [[ $file =~ $pattern ]]; then
    stamp=\${file%%[!0-9]*}
  fi
  if is_count "$stamp"; then
    stamp=$((10#$stamp))
  else
    # Not named by the queue: its mtime. A file that vanished meanwhile was dequeued.
    stamp=$(stat -c %Y -- "$path" 2>/dev/null) || continue
  fi
  count=$((count + 1))
  if [ -z "$oldest" ] || [ "$stamp" -lt "$oldest" ]; then
    oldest=$stamp
  fi
done

age=0
if [ -n "$oldest" ] && [ "$now" -gt "$oldest" ]; then
  age=$((now - oldest))
fi

state=0
reasons=''
if [ "$age" -gt "$crit_age" ]; then
  state=2
  reasons="oldest > \${crit_age}s"
elif [ "$age" -gt "$warn_age" ]; then
  state=1
  reasons="oldest > \${warn_age}s"
fi
if [ -n "$crit_count" ] && [ "$count" -gt "$crit_count" ]; then
  state=2
  reasons="\${reasons:+$reasons, }messages > $crit_count"
elif [ -n "$warn_count" ] && [ "$count" -gt "$warn_count" ]; then
  [ "$state" -ge 1 ] || state=1
  reasons="\${reasons:+$reasons, }messages > $warn_count"
fi

case $state in
  0) label=OK ;;
  1) label=WARNING ;;
  *) label=CRITICAL ;;
esac
summary="$name: $count messages"
[ "$count" -eq 0 ] || summary="$summary, oldest \${age}s"
[ -z "$reasons" ] || summary="$summary ($reasons)"
summary=\${summary//$'\\n'/ }
printf 'QUEUE %s - %s | messages=%s;%s;%s;0 oldest_age=%ss;%s;%s;0\\n' \\
  "$label" "\${summary//|//}" "$count" "$warn_count" "$crit_count" "$age" "$warn_age" "$crit_age"
exit "$state"
`;
}

/** The plugin as a file provisioning installs on the host (a rootfs contributor). */
export function queueCheckPluginFiles(host: HostModel): RootfsFile[] {
  return [{ path: QUEUE_PLUGIN_PATH, mode: 0o755, content: renderQueueCheckPlugin(host) }];
}
