/**
 * One frozen ServiceModel object per distinct service model. A fleet's
 * hosts resolve the same service (the same runners, queues and thresholds)
 * once each; sharing one object makes the model about 10 KB smaller per
 * host, lets renderers cache by identity what depends on the service only
 * (the Icinga service template, host.json's service part), and lets a
 * structured clone to the policy thread copy it once per stack, not once
 * per host (docs/PERFORMANCE.md).
 */
import type { ServiceModel } from './types';

/** Bounded: a long-lived process (a test run) resolves many models; an app has a few. */
const MAX_MODELS = 256;
const byContent = new Map<string, ServiceModel>();

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * The shared, frozen object equal to `model` (the first one met with this
 * content, key order included). Freezing makes a change meant for one host
 * an error instead of a change to every host that shares it.
 */
export function sharedServiceModel(model: ServiceModel): ServiceModel {
  const key = JSON.stringify(model);
  const known = byContent.get(key);
  if (known) return known;
  if (byContent.size >= MAX_MODELS) byContent.clear();
  byContent.set(key, deepFreeze(model));
  return model;
}
