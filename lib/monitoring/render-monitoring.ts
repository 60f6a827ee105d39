/**
 * The stack's monitoring artifacts (paths relative to `monitoring/`).
 */
import type { HostModel } from '../model/types';
import type { MonitoringProps } from './alerting-props';

export async function renderMonitoring(hosts: readonly HostModel[], monitoring: MonitoringProps): Promise<Record<string, string>> {
  void hosts;
  void monitoring;
  return {};
}
