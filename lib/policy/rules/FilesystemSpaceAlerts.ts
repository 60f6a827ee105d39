/** LH002: every filesystem of every host has space alerts of every required kind in rules.yml. */
import type { RuleImplementation } from '../types';
import { checkFilesystemAlerts, SPACE } from './filesystem-coverage';

export const FilesystemSpaceAlerts: RuleImplementation = {
  checkHost: (host, ctx) => checkFilesystemAlerts(host, ctx, SPACE),
};
