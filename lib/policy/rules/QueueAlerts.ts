/**
 * LH007: every queue has a count alert and an age alert in rules.yml, the
 * paging queues (Mailman's `out` and `retry`) have a critical age alert,
 * queues that page on growth (Mailman's `retry`, whose age resets while the
 * MTA refuses mail) a critical growth alert, and a dead queue collector is
 * alerted on. 2023: the out queue grew to 4k messages over two days,
 * unmonitored.
 */
import { GROWTH_PAGING_QUEUES, mailmanRelease, PAGING_QUEUES } from '../../model/mailman-catalogue';
import { queueMetricNames } from '../../render/queue-collector';
import { alertsReading, type PrometheusRule } from '../artifacts/prometheus-rules';
import { comparedWithNumber, contains, isComparison, keepsLabel, type PromNode } from '../artifacts/promql';
import { fromViolations, modelLocation, type RuleImplementation, type Violation } from '../types';
import { coverageLocation, JOB, matchingUses, prometheusFor, violation } from './support';

function perQueue(rule: PrometheusRule, metric: string, labels: Readonly<Record<string, string>>) {
  return matchingUses(rule, [metric], labels).filter((use) => keepsLabel(use, 'queue'));
}

/** Functions whose value is how a series changes, not its level. */
const CHANGE_FUNCTIONS = new Set(['deriv', 'delta', 'idelta', 'increase', 'rate', 'irate', 'predict_linear']);

/**
 * Whether a rule pages on the queue's growth rather than its size: it takes
 * the change of the count (`deriv`, `delta`, `increase`, ...) or compares
 * the count with itself (`max_over_time(m[15m]) > max_over_time(m[15m] offset 15m)`).
 * Such a rule falls silent when a large backlog stops growing, so it does
 * not stand in for a count alert; a count alert compares the count (as is,
 * or `avg_over_time` and the like) with a number.
 */
function isGrowthAlert(rule: PrometheusRule, metric: string, labels: Readonly<Record<string, string>>): boolean {
  const uses = perQueue(rule, metric, labels);
  const comparesCountWithItself = (node: PromNode): boolean =>
    isComparison(node) &&
    uses.some((u) => contains(node.left, u.selector)) &&
    uses.some((u) => contains(node.right, u.selector));
  return uses.some((use) => use.ancestors.some((node) => (node.type === 'call' && CHANGE_FUNCTIONS.has(node.func)) || comparesCountWithItself(node)));
}

/** Whether a count alert fires on any message at all (`> 0`, `>= 1`, `!= 0`). */
function firesOnAnyMessage(rule: PrometheusRule, metric: string, labels: Readonly<Record<string, string>>): boolean {
  return perQueue(rule, metric, labels).some((use) => {
    const c = comparedWithNumber(use);
    return c !== undefined && ((c.op === '>' && c.value === 0) || (c.op === '>=' && c.value === 1) || (c.op === '!=' && c.value === 0));
  });
}

export const QueueAlerts: RuleImplementation = {
  checkHost(host, ctx) {
    const { model } = host;
    const violations: Violation[] = [];
    const isMailman = model.service.kind === 'mailman3';
    // The model itself: every queue of the release is watched, and out/retry page.
    if (isMailman) {
      const release = mailmanRelease(model.service.version);
      const names = new Set(model.service.queues.map((q) => q.name));
      for (const queue of release?.queues ?? []) {
        if (!names.has(queue)) {
          violations.push(violation(`queue:${queue}:model`, `${model.fqdn}: Mailman's ${queue} queue is not in the model, so nothing watches it`, modelLocation(host, '/service/queues')));
        }
      }
      model.service.queues.forEach((queue, i) => {
        if (PAGING_QUEUES.includes(queue.name) && !queue.pagesOnAge) {
          violations.push(
            violation(
              `queue:${queue.name}:pagesOnAge`,
              `${model.fqdn}: queue ${queue.name} must page on the age of its oldest message (mail is not leaving), but pagesOnAge is false`,
              modelLocation(host, `/service/queues/${i}/pagesOnAge`),
            ),
          );
        }
        if (GROWTH_PAGING_QUEUES.includes(queue.name) && queue.pagesOnGrowth !== true) {
          violations.push(
            violation(
              `queue:${queue.name}:pagesOnGrowth`,
              `${model.fqdn}: queue ${queue.name} must page when it keeps growing (its age resets at every retry pass while the MTA refuses mail), but pagesOnGrowth is not true`,
              modelLocation(host, `/service/queues/${i}/pagesOnGrowth`),
            ),
          );
        }
      });
    }

    const access = prometheusFor(host, ctx, 'its queues');
    if (!access.ok) {
      if (access.result.status === 'non-compliant') return fromViolations([...violations, ...access.result.violations]);
      return violations.length > 0 ? fromViolations(violations) : access.result;
    }
    const file = access.value;
    const names = queueMetricNames(model.service.metricPrefix);
    const countAlerts = alertsReading(file, [names.messages]);
    const ageAlerts = alertsReading(file, [names.oldestAge]);

    model.service.queues.forEach((queue, i) => {
      const labels = { job: JOB.node, instance: model.fqdn, queue: queue.name };
      const related = [modelLocation(host, `/service/queues/${i}`)];
      const readers = countAlerts.filter((rule) => perQueue(rule, names.messages, labels).length > 0);
      const growth = readers.filter((rule) => isGrowthAlert(rule, names.messages, labels));
      const counts = readers.filter((rule) => !growth.includes(rule));
      const ages = ageAlerts.filter((rule) => perQueue(rule, names.oldestAge, labels).length > 0);
      if (counts.length === 0) {
        violations.push(
          violation(
            `queue:${queue.name}:count`,
            `${model.fqdn}: no alert in ${file.file} watches the message count of queue ${queue.name} (${names.messages}{queue="${queue.name}"}, kept per queue)`,
            coverageLocation(file, countAlerts),
            related,
          ),
        );
      }
      const anyMessage = queue.ticketWhenNonEmpty && counts.some((rule) => firesOnAnyMessage(rule, names.messages, labels));
      if (ages.length === 0 && !anyMessage) {
        violations.push(
          violation(
            `queue:${queue.name}:age`,
            `${model.fqdn}: no alert in ${file.file} watches the age of the oldest message in queue ${queue.name} (${names.oldestAge}{queue="${queue.name}"})`,
            coverageLocation(file, ageAlerts),
            related,
          ),
        );
      }
      const pages = queue.pagesOnAge || (isMailman && PAGING_QUEUES.includes(queue.name));
      if (pages && !ages.some((rule) => rule.labels.severity === 'critical')) {
        violations.push(
          violation(
            `queue:${queue.name}:page`,
            `${model.fqdn}: no critical alert pages on the age of queue ${queue.name}` +
              (ages.length > 0 ? ` (${ages.map((r) => `${r.name}: ${r.labels.severity ?? 'no severity'}`).join(', ')})` : '') +
              '; mail that stops leaving must page',
            coverageLocation(file, ages.length > 0 ? ages : ageAlerts),
            related,
          ),
        );
      }
      const growthPages = queue.pagesOnGrowth === true || (isMailman && GROWTH_PAGING_QUEUES.includes(queue.name));
      if (growthPages && !growth.some((rule) => rule.labels.severity === 'critical')) {
        violations.push(
          violation(
            `queue:${queue.name}:growth`,
            `${model.fqdn}: no critical alert pages when queue ${queue.name} keeps growing (an alert over a range of ${names.messages}{queue="${queue.name}"}); ` +
              'its age resets at every pass, so growth is the only sign that mail stopped leaving',
            coverageLocation(file, growth.length > 0 ? growth : countAlerts),
            related,
          ),
        );
      }
    });

    const collectorAlerts = alertsReading(file, [names.lastSuccess]).filter(
      (rule) => matchingUses(rule, [names.lastSuccess], { job: JOB.node, instance: model.fqdn }).length > 0,
    );
    if (collectorAlerts.length === 0) {
      violations.push(
        violation(
          'collector',
          `${model.fqdn}: no alert in ${file.file} reads ${names.lastSuccess}, so a dead queue collector freezes every queue alert unnoticed`,
          { file: file.file, line: 1 },
        ),
      );
    }
    return fromViolations(violations);
  },
};
