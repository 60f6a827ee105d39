// Space and inodes on every filesystem of every host (fleet-wide: one rule
// per concern, selected by labels; nothing here depends on the host count).
//
// Each resource gets node-mixin's four rules (two "filling up" on the 6h
// trend, two "almost out" on a threshold) plus a burst rule that sees a
// filesystem being eaten in minutes. The 2014 restore used up the root
// filesystem's inodes in 36 minutes; node-mixin's rules, all with `for: 1h`,
// could not have fired before that (see test/mixin/replays/).
local utils = import '../lib/utils.libsonnet';

{
  prometheusAlerts+:: {
    local c = $._config,
    local sel = utils.selector([c.nodeSelector, c.fsSelector, c.fsMountpointSelector]),
    local writable = 'node_filesystem_readonly' + sel + ' == 0',

    // resource: what runs out; free/total: its series; unit: for the text.
    local rules(resource, free, total, unit, t) =
      local freePct = free + sel + ' / ' + total + sel + ' * 100';
      local where = 'Filesystem {{ $labels.mountpoint }} ({{ $labels.device }}) on {{ $labels.instance }}';
      local left = where + ' has only {{ printf "%.2f" $value }}% ' + unit + ' left';
      local fillingUp(pct, horizonHours) =
        '(\n  ' + freePct + ' < ' + std.toString(pct) +
        '\nand\n  predict_linear(' + free + sel + '[6h], ' + std.toString(horizonHours) + ' * 60 * 60) < 0' +
        '\nand\n  ' + writable + '\n)';
      local almostOut(pct) = '(\n  ' + freePct + ' < ' + std.toString(pct) + '\nand\n  ' + writable + '\n)';
      local horizonMinutes = std.toString(c.fsBurstHorizonSeconds / 60);
      [
        utils.alert('Filesystem' + resource + 'FillingUp', 'warning',
                    fillingUp(t.fillingUpWarning, 24), c.fsFillingUpFor,
                    'Filesystem is predicted to run out of ' + unit + ' within the next 24 hours.',
                    left + ' and is filling up.'),
        utils.alert('Filesystem' + resource + 'FillingUp', 'critical',
                    fillingUp(t.fillingUpCritical, 4), c.fsFillingUpFor,
                    'Filesystem is predicted to run out of ' + unit + ' within the next 4 hours.',
                    left + ' and is filling up fast.'),
        utils.alert('FilesystemAlmostOutOf' + resource, 'warning',
                    almostOut(t.availableWarning), t.availableFor,
                    'Filesystem has less than ' + std.toString(t.availableWarning) + '% ' + unit + ' left.',
                    left + '.'),
        utils.alert('FilesystemAlmostOutOf' + resource, 'critical',
                    almostOut(t.availableCritical), t.availableFor,
                    'Filesystem has less than ' + std.toString(t.availableCritical) + '% ' + unit + ' left.',
                    left + '.'),
        utils.alert('Filesystem' + resource + 'Burst', 'critical',
                    '(\n  ' + freePct + ' < ' + std.toString(c.fsBurstFreeBelowPercent) +
                    '\nand\n  predict_linear(' + free + sel + '[' + c.fsBurstWindow + '], ' +
                    std.toString(c.fsBurstHorizonSeconds) + ') <= 0' +
                    '\nand\n  ' + writable + '\n)',
                    c.fsBurstFor,
                    'Filesystem ' + unit + ' are being used up fast: empty within ' + horizonMinutes + ' minutes at this rate.',
                    left + ' and, at the rate of the last ' + c.fsBurstWindow + ', runs out within ' +
                    horizonMinutes + ' minutes. Look for a bulk restore, a runaway spool or a mail loop' +
                    ' writing there, and stop it or move it to its own volume.'),
      ],

    groups+: [
      {
        name: 'listhost-filesystem',
        rules:
          rules('Files', 'node_filesystem_files_free', 'node_filesystem_files', 'inodes', {
            fillingUpWarning: c.fsFilesFillingUpWarningPercent,
            fillingUpCritical: c.fsFilesFillingUpCriticalPercent,
            availableWarning: c.fsFilesAvailableWarningPercent,
            availableCritical: c.fsFilesAvailableCriticalPercent,
            availableFor: c.fsFilesAvailableFor,
          }) +
          rules('Space', 'node_filesystem_avail_bytes', 'node_filesystem_size_bytes', 'space', {
            fillingUpWarning: c.fsSpaceFillingUpWarningPercent,
            fillingUpCritical: c.fsSpaceFillingUpCriticalPercent,
            availableWarning: c.fsSpaceAvailableWarningPercent,
            availableCritical: c.fsSpaceAvailableCriticalPercent,
            availableFor: c.fsSpaceAvailableFor,
          }),
      },
    ],
  },
}
