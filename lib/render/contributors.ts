/** Files other concerns add to every host's rootfs. */
import { queueCheckPluginFiles } from './queue-check-plugin';
import type { RootfsContributor } from './rootfs';

export const rootfsContributors: readonly RootfsContributor[] = [queueCheckPluginFiles];
