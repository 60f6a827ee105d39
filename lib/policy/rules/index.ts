/**
 * Rule implementations by registry name. A test checks that every rule of
 * the registry (but the engine's own LH100/LH101) has one here and that
 * nothing here is missing from the registry.
 */
import type { RuleImplementation } from '../types';
import { AlertContract } from './AlertContract';
import { CriticalAlertRunbooks } from './CriticalAlertRunbooks';
import { ExpectedProcessCounts } from './ExpectedProcessCounts';
import { FilesystemInodeAlerts } from './FilesystemInodeAlerts';
import { FilesystemSpaceAlerts } from './FilesystemSpaceAlerts';
import { HostContacts } from './HostContacts';
import { HostLocation } from './HostLocation';
import { IcingaDiskChecks } from './IcingaDiskChecks';
import { IcingaProcessChecks } from './IcingaProcessChecks';
import { IcingaQueueChecks } from './IcingaQueueChecks';
import { NoPlaintextSecrets } from './NoPlaintextSecrets';
import { ProcessGroupAlerts } from './ProcessGroupAlerts';
import { QueueAlerts } from './QueueAlerts';
import { RestoreVolumeInodes } from './RestoreVolumeInodes';
import { RestoreVolumeSeparate } from './RestoreVolumeSeparate';
import { UniformAgentVersion } from './UniformAgentVersion';
import { UniformOsRelease } from './UniformOsRelease';

export const IMPLEMENTATIONS: Readonly<Record<string, RuleImplementation>> = {
  FilesystemInodeAlerts,
  FilesystemSpaceAlerts,
  IcingaDiskChecks,
  ProcessGroupAlerts,
  ExpectedProcessCounts,
  IcingaProcessChecks,
  QueueAlerts,
  IcingaQueueChecks,
  RestoreVolumeSeparate,
  RestoreVolumeInodes,
  UniformOsRelease,
  UniformAgentVersion,
  CriticalAlertRunbooks,
  HostLocation,
  NoPlaintextSecrets,
  HostContacts,
  AlertContract,
};
