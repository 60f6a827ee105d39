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
 *
 * With `--textfile FILE --queue NAME` (ServiceModel.queueCheckSource
 * `collector`; Icinga passes the host's `listhost_queue_textfile`) it does
 * not read DIR: it reads NAME's count and oldest age from the file the
 * host's queue collector writes for node_exporter. The collector runs as
 * root, so this works on a spool only the service's user may read
 * (Postfix's queue directories are 0700 postfix) without giving the nagios
 * user any privilege. The age is the collector's plus the time since its
 * run (the oldest message, if still there, is that much older). UNKNOWN when
 * the file or the queue's lines are missing, the collector's last run failed
 * (no `<prefix>_queue_collector_last_success_timestamp_seconds`), or that run
 * is older than `--max-data-age` seconds (default 300; the collector runs
 * every minute).
 */
import type { HostModel } from '../model/types';
import { QUEUE_PLUGIN_PATH } from './icinga2/names';
import { queueTextfilePath } from './queue-collector';
import { generatedHeader, shq, type RootfsFile } from './shell';

export { QUEUE_PLUGIN_PATH };

/** The collector's textfile, which the plugin reads with --textfile (queueCheckSource 'collector'). */
export { queueTextfilePath };

/** Seconds after which the collector's numbers are too old for the check. */
export const QUEUE_TEXTFILE_MAX_AGE_SECONDS = 300;

export function renderQueueCheckPlugin(host: HostModel): string {
  const what = `check_listhost_queue, the Icinga check of ${host.service.kind} queues`;
  return `#!/bin/bash
${generatedHeader('#', what)}# Usage: check_listhost_queue -d DIR -w AGE -c AGE [-W COUNT] [-C COUNT] [--pattern REGEX] [--glob GLOB] [--max-depth N]
#        [--textfile FILE --queue NAME [--max-data-age SECONDS]]
set -u
LC_ALL=C
export LC_ALL

readonly DEFAULT_PATTERN=${shq(host.service.queueFilePattern ?? '')}
readonly DEFAULT_GLOB=${shq(host.service.queueFileGlob)}
readonly DEFAULT_MAX_DEPTH=${host.service.queueFileMaxDepth}
readonly METRIC_PREFIX=${shq(host.service.metricPrefix)}

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
    "             2 also its subdirectories (default: $DEFAULT_MAX_DEPTH)" \\
    '  --textfile FILE  do not read DIR: read the count and age of queue NAME from FILE,' \\
    '             the textfile the queue collector (run as root) writes for node_exporter' \\
    '  --queue NAME  the queue name in FILE' \\
    "  --max-data-age SECONDS  UNKNOWN if the collector's last run is older (default: ${QUEUE_TEXTFILE_MAX_AGE_SECONDS})"
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
textfile='' queue='' max_data_age=${QUEUE_TEXTFILE_MAX_AGE_SECONDS}
while [ "$#" -gt 0 ]; do
  case $1 in
    -h | --help)
      usage
      exit 3
      ;;
    -d | -w | -c | -W | -C | --pattern | --glob | --max-depth | --textfile | --queue | --max-data-age)
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
        --textfile) textfile=$2 ;;
        --queue) queue=$2 ;;
        --max-data-age) max_data_age=$2 ;;
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
printf -v now '%(%s)T' -1

# count_directory: count, age from the messages in DIR (the nagios user must be able to read it).
count_directory() {
  [ -d "$dir" ] || unknown "$name: $dir does not exist or is not a directory"
  { [ -r "$dir" ] && [ -x "$dir" ]; } || unknown "$name: $dir is not readable"

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
}

# read_textfile: count, age of queue NAME from the collector's textfile (the
# collector runs as root; the spool may be readable by the service's user only).
read_textfile() {
  [ -n "$queue" ] || unknown '--textfile needs --queue NAME (see --help)'
  [[ $queue =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || unknown "--queue '$queue' is not a queue name"
  is_count "$max_data_age" || unknown "--max-data-age '$max_data_age' is not a whole number of seconds"
  max_data_age=$((10#$max_data_age))
  name=$queue
  { [ -f "$textfile" ] && [ -r "$textfile" ]; } || unknown "$name: cannot read the queue collector's $textfile (is its timer running?)"
  local metric value collected=''
  local want_count="\${METRIC_PREFIX}_queue_messages{queue=\\"$queue\\"}"
  local want_age="\${METRIC_PREFIX}_queue_oldest_message_age_seconds{queue=\\"$queue\\"}"
  local want_success="\${METRIC_PREFIX}_queue_collector_last_success_timestamp_seconds"
  count='' age=''
  while read -r metric value _; do
    case $metric in
      "$want_count") count=$value ;;
      "$want_age") age=$value ;;
      "$want_success") collected=$value ;;
    esac
  done < "$textfile"
  is_count "$collected" || unknown "$name: the queue collector's last run failed (no \${METRIC_PREFIX}_queue_collector_last_success_timestamp_seconds in $textfile); run it by hand to see why"
  { is_count "$count" && is_count "$age"; } || unknown "$name: no count or age of queue $queue in $textfile"
  count=$((10#$count))
  age=$((10#$age))
  collected=$((10#$collected))
  local data_age=0
  [ "$now" -le "$collected" ] || data_age=$((now - collected))
  [ "$data_age" -le "$max_data_age" ] || unknown "$name: the queue collector last succeeded \${data_age}s ago (more than \${max_data_age}s)"
  # The oldest message, if still queued, has waited that much longer since.
  [ "$count" -eq 0 ] || age=$((age + data_age))
}

if [ -n "$textfile" ]; then
  read_textfile
else
  count_directory
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
