/** Shell commands that several runbook sections show, built from model values. */
import type { EndpointModel, QueueModel, ServiceModel } from '../../model/types';
import type { HostFacts, HostShape } from './hosts';
import { serviceUser } from './hosts';
import { sh, word } from './markdown';

export function journal(unit: string, since = '-6h'): string {
  return sh(['journalctl', '-u', unit, '--since', since]);
}

/** Every process of the service user, then each group's processes with the count it must have. */
export function processCheck(shape: HostShape): string[] {
  const lines = [sh(['ps', '-u', serviceUser(shape), '-o', 'pid,etime,args'])];
  for (const group of shape.service.processGroups) {
    lines.push(`# ${group.role} (${group.groupname}): ${group.expectedProcesses} expected`);
    lines.push(sh(['pgrep', '-a', '-u', group.user, '-f', group.pgrepPattern]));
  }
  return lines;
}

/** The message files of a queue whose messages sit below subdirectories (ServiceModel.queueFileMaxDepth > 1). */
function findMessages(queue: QueueModel, maxDepth: number): string {
  return `find ${word(queue.directory)} -mindepth 1 -maxdepth ${maxDepth} -type f`;
}

/**
 * `service`: where the messages sit (queueFileMaxDepth); a queue without
 * subdirectories (depth 1) is listed as it is. An object, not a number, so
 * `queues.map(countQueue)` cannot pass the index as the depth.
 */
export function countQueue(queue: QueueModel, service: Pick<ServiceModel, 'queueFileMaxDepth'>): string {
  const depth = service.queueFileMaxDepth;
  return depth > 1 ? `${findMessages(queue, depth)} | wc -l` : `ls ${word(queue.directory)} | wc -l`;
}

export function watchQueue(queue: QueueModel, service: Pick<ServiceModel, 'queueFileMaxDepth'>): string {
  return sh(['watch', '-n', '10', countQueue(queue, service)]);
}

/** The oldest messages first: by the enqueue time in the name when the service names files so, else by mtime. */
export function oldestInQueue(shape: HostShape, queue: QueueModel): string {
  const depth = shape.service.queueFileMaxDepth;
  if (depth > 1) {
    return shape.service.queueFilePattern !== null
      ? `${findMessages(queue, depth)} -printf '%f\\n' | sort -n | head -n 5`
      : `${findMessages(queue, depth)} -printf '%T@ %P\\n' | sort -n | head -n 5`;
  }
  return shape.service.queueFilePattern !== null
    ? `ls ${word(queue.directory)} | sort -n | head -n 5`
    : `ls -tr ${word(queue.directory)} | head -n 5`;
}

export function tcpCheck(endpoint: EndpointModel): string {
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return `timeout 5 bash -c ${word(`</dev/tcp/${host}/${endpoint.port}`)} && echo reachable`;
}

/** Where the service logs: the unit's journal and, for Mailman, its own log directory. */
export function logSteps(facts: HostFacts): string[] {
  const lines = [journal(facts.shape.service.unit)];
  if (facts.mailmanCli !== null) {
    lines.push(`# Mailman's own logs (mailman.log, smtp.log) are in its log_dir:`);
    lines.push(sh(['grep', '-n', 'log_dir', facts.shape.service.configFile]));
  }
  return lines;
}

/** The self-heal state: restarts so far and the last restart's time. */
export function selfHealState(facts: HostFacts): string[] {
  return [
    `cat ${word(facts.selfHeal.stateFile)}   # "<restarts> <last restart, Unix seconds>"`,
    journal(facts.selfHeal.service),
  ];
}
