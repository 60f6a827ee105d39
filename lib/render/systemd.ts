/** systemd units: a oneshot service and the timer that starts it. */
import { generatedHeader, type RootfsFile } from './shell';

export const SYSTEMD_DIRECTORY = '/etc/systemd/system';

export interface TimerSpec {
  /** Unit name without suffix, e.g. `listhost-mailman-queue-collector`. */
  readonly unit: string;
  readonly description: string;
  /** Absolute path of the program and its arguments. */
  readonly command: readonly string[];
  readonly user: string;
  readonly everySeconds: number;
}

/** systemd's own quoting for ExecStart words: double quotes, with \ and " escaped. */
export function systemdWord(word: string): string {
  if (/[\s"'\\;$%]/.test(word) || word === '') {
    return `"${word.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%').replace(/\$/g, '$$$$')}"`;
  }
  return word;
}

export function timerUnits(spec: TimerSpec): RootfsFile[] {
  const header = generatedHeader('#', spec.description);
  return [
    {
      path: `${SYSTEMD_DIRECTORY}/${spec.unit}.service`,
      mode: 0o644,
      content: `${header}[Unit]
Description=${spec.description}

[Service]
Type=oneshot
User=${spec.user}
ExecStart=${spec.command.map(systemdWord).join(' ')}
`,
    },
    {
      path: `${SYSTEMD_DIRECTORY}/${spec.unit}.timer`,
      mode: 0o644,
      content: `${header}[Unit]
Description=${spec.description} every ${spec.everySeconds} s

[Timer]
OnBootSec=${spec.everySeconds}s
OnUnitActiveSec=${spec.everySeconds}s
AccuracySec=1s

[Install]
WantedBy=timers.target
`,
    },
  ];
}

/**
 * The unit name systemd derives from a mount point (`systemd-escape --path
 * --suffix=mount`): `/srv/restore` is `srv-restore.mount`.
 */
export function mountUnitName(mountpoint: string): string {
  const trimmed = mountpoint.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return '-.mount';
  const escaped = trimmed
    .split('/')
    .map((part) =>
      Array.from(part)
        .map((ch, i) => (/[A-Za-z0-9:_]/.test(ch) || (ch === '.' && i > 0) ? ch : `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`))
        .join(''),
    )
    .join('-');
  return `${escaped}.mount`;
}
