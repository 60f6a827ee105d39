/**
 * LH011: every host of a fleet runs the same OS release (2014: the two
 * hosts still on an older distribution were the ones that crashed).
 */
import type { RuleImplementation } from '../types';
import { checkUniform, OS_RELEASE } from './fleets';

export const UniformOsRelease: RuleImplementation = {
  checkHost: (host, ctx) => checkUniform(host, ctx, [OS_RELEASE], 'platform:os'),
};
