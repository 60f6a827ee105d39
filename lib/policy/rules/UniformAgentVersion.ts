/**
 * LH012: every host of a fleet runs the same config-management agent and
 * version (2014: the hosts on Puppet 2.7 crashed applying a catalog).
 */
import type { RuleImplementation } from '../types';
import { AGENT_VERSION, checkUniform } from './fleets';

export const UniformAgentVersion: RuleImplementation = {
  checkHost: (host, ctx) => checkUniform(host, ctx, [AGENT_VERSION], 'platform:agent'),
};
