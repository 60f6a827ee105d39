/**
 * A PromQL parser, enough to answer what the policy rules ask of an
 * expression as written: which series it selects with which label
 * matchers, whether an aggregation drops a label on the way, which range
 * a trend function looks at, and what it is compared with. Parses the
 * whole grammar Prometheus 2.x/3.x rule files use (binary operators with
 * precedence and vector matching, aggregations with by/without before or
 * after the arguments, functions, range selectors, subqueries, offset, @).
 */

export type { LabelMatcher, PromNode, VectorNode } from './ast';
export { PromQLSyntaxError } from './lexer';
export { parsePromQL } from './parser';
export {
  comparedWithNumber,
  contains,
  isComparison,
  keepsLabel,
  matcherMatches,
  promRegex,
  selectorMatches,
  selectorUses,
  trendWindowMs,
  type SelectorUse,
} from './analysis';
