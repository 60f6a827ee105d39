/** Files other concerns add to every host's rootfs. */
import type { RootfsContributor } from './rootfs';

export const rootfsContributors: readonly RootfsContributor[] = [];
