/** LH001: every filesystem of every host has inode alerts of every required kind in rules.yml. */
import type { RuleImplementation } from '../types';
import { checkFilesystemAlerts, INODES } from './filesystem-coverage';

export const FilesystemInodeAlerts: RuleImplementation = {
  checkHost: (host, ctx) => checkFilesystemAlerts(host, ctx, INODES),
};
