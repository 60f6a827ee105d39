#!/usr/bin/env bash
# Installs the real tools the tests run (Debian 12 packages) when any is
# missing, then checks every one is there: a missing tool fails the run, the
# tests never skip it.
set -euo pipefail

packages=(
  prometheus prometheus-alertmanager prometheus-node-exporter prometheus-process-exporter
  prometheus-blackbox-exporter icinga2 monitoring-plugins-basic monitoring-plugins-standard
  mailman3 jsonnet shellcheck e2fsprogs fdisk procps findutils
)
tools=(
  /usr/bin/promtool /usr/bin/amtool /usr/bin/prometheus-node-exporter /usr/bin/prometheus-process-exporter
  /usr/bin/prometheus-blackbox-exporter /usr/sbin/icinga2 /usr/lib/nagios/plugins/check_disk
  /usr/lib/nagios/plugins/check_procs /usr/lib/nagios/plugins/check_http /usr/bin/mailman
  /usr/bin/jsonnet /usr/bin/shellcheck /usr/bin/pgrep /sbin/mkfs.ext4 /sbin/sfdisk /usr/bin/lsblk /sbin/losetup
)

missing=()
for tool in "${tools[@]}"; do
  [ -x "$tool" ] || missing+=("$tool")
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing test tools (missing: ${missing[*]})" >&2
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-test-tools: need root to apt-get install ${packages[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

for tool in "${tools[@]}"; do
  if [ ! -x "$tool" ]; then
    echo "install-test-tools: $tool is still missing after apt-get install" >&2
    exit 1
  fi
done
echo "test tools present: ${#tools[@]} checked" >&2
