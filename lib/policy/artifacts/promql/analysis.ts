/**
 * Questions the policy rules ask of a parsed PromQL expression: which
 * selectors it has and what sits above them, whether a selector matches a
 * series, whether aggregations keep a label, the trend window, and the
 * number a selector is compared with.
 */
import type { LabelMatcher, PromNode, VectorNode } from './ast';

/** Aggregations that select series and keep their labels. */
const SELECTING_AGGREGATIONS = new Set(['topk', 'bottomk', 'limitk', 'limit_ratio']);
const COMPARISONS = new Set(['==', '!=', '<=', '<', '>=', '>']);

/** Whether the node is a comparison (`==`, `!=`, `<`, `<=`, `>`, `>=`), filtering or `bool`. */
export function isComparison(node: PromNode): node is Extract<PromNode, { type: 'binary' }> {
  return node.type === 'binary' && COMPARISONS.has(node.op);
}

function children(node: PromNode): PromNode[] {
  switch (node.type) {
    case 'aggregation': return node.param ? [node.param, node.expr] : [node.expr];
    case 'call': return [...node.args];
    case 'binary': return [node.left, node.right];
    case 'unary': case 'paren': case 'subquery': return [node.expr];
    default: return [];
  }
}

/** A vector selector and the nodes above it, root first. */
export interface SelectorUse {
  readonly selector: VectorNode;
  readonly ancestors: readonly PromNode[];
}

/** Every vector selector of the expression with its ancestors. */
export function selectorUses(root: PromNode): SelectorUse[] {
  const out: SelectorUse[] = [];
  const walk = (node: PromNode, ancestors: PromNode[]) => {
    if (node.type === 'vector') {
      out.push({ selector: node, ancestors: [...ancestors] });
      return;
    }
    ancestors.push(node);
    for (const child of children(node)) walk(child, ancestors);
    ancestors.pop();
  };
  walk(root, []);
  return out;
}

/** Whether `node` contains `target` (by identity). */
export function contains(node: PromNode, target: PromNode): boolean {
  if (node === target) return true;
  return children(node).some((child) => contains(child, target));
}

const regexCache = new Map<string, RegExp | null>();

/**
 * A Prometheus (RE2, fully anchored) regex as a JS RegExp; null when JS
 * cannot compile it. Leading `(?i)`/`(?s)` flags are honoured.
 */
export function promRegex(source: string): RegExp | null {
  let cached = regexCache.get(source);
  if (cached !== undefined) return cached;
  let flags = '';
  let body = source;
  const flagMatch = /^\(\?([is]+)\)/.exec(body);
  if (flagMatch) {
    flags = [...new Set(flagMatch[1])].join('');
    body = body.slice(flagMatch[0].length);
  }
  try {
    cached = new RegExp(`^(?:${body})$`, flags);
  } catch {
    cached = null;
  }
  regexCache.set(source, cached);
  return cached;
}

/** Whether a matcher matches a label set (an absent label is the empty string, as in Prometheus). */
export function matcherMatches(matcher: LabelMatcher, labels: Readonly<Record<string, string>>): boolean {
  const value = labels[matcher.name] ?? '';
  switch (matcher.op) {
    case '=': return value === matcher.value;
    case '!=': return value !== matcher.value;
    case '=~': {
      const re = promRegex(matcher.value);
      return re !== null && re.test(value);
    }
    case '!~': {
      const re = promRegex(matcher.value);
      return re !== null && !re.test(value);
    }
  }
}

/** Whether a selector would select a series with this name and these labels. */
export function selectorMatches(selector: VectorNode, metric: string, labels: Readonly<Record<string, string>>): boolean {
  if (selector.name !== null && selector.name !== metric) return false;
  for (const m of selector.matchers) {
    if (!matcherMatches(m, m.name === '__name__' ? { __name__: metric } : labels)) return false;
  }
  return true;
}

/**
 * Whether every aggregation above the selector keeps `label` (so the alert
 * fires per value of it: per filesystem, per process group, per queue).
 */
export function keepsLabel(use: SelectorUse, label: string): boolean {
  for (const node of use.ancestors) {
    if (node.type !== 'aggregation' || SELECTING_AGGREGATIONS.has(node.op)) continue;
    if (node.param !== null && contains(node.param, use.selector)) continue;
    if (node.grouping === null) return false;
    const listed = node.grouping.labels.includes(label);
    if (node.grouping.mode === 'by' ? !listed : listed) return false;
  }
  return true;
}

const TREND_FUNCTIONS = new Set(['predict_linear', 'deriv', 'rate', 'irate', 'delta', 'idelta', 'increase', 'holt_winters', 'double_exponential_smoothing']);

/**
 * The window of the trend function applied to this selector (ms): the
 * selector's own range inside `predict_linear`/`deriv`/..., or the range of
 * a subquery it sits in. undefined when the selector is not under a trend function.
 */
export function trendWindowMs(use: SelectorUse): number | undefined {
  let window: number | undefined = use.selector.rangeMs;
  let underTrend = false;
  for (let i = use.ancestors.length - 1; i >= 0; i--) {
    const node = use.ancestors[i];
    if (node.type === 'subquery' && window === undefined) window = node.rangeMs;
    if (node.type === 'call' && TREND_FUNCTIONS.has(node.func)) {
      underTrend = true;
      break;
    }
  }
  return underTrend ? window : undefined;
}

/**
 * The number this selector is compared with by a comparison operator
 * (`<selector expr> < 3`), with the operator as seen from the selector's
 * side; undefined when it is not compared with a literal.
 */
export function comparedWithNumber(use: SelectorUse): { op: string; value: number } | undefined {
  const flip: Record<string, string> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=', '==': '==', '!=': '!=' };
  let child: PromNode = use.selector;
  for (let i = use.ancestors.length - 1; i >= 0; i--) {
    const node = use.ancestors[i];
    if (isComparison(node)) {
      const other = node.left === child ? node.right : node.left;
      const literal = numberValue(other);
      if (literal !== undefined) return { op: node.left === child ? node.op : flip[node.op], value: literal };
      return undefined;
    }
    child = node;
  }
  return undefined;
}

function numberValue(node: PromNode): number | undefined {
  if (node.type === 'number') return node.value;
  if (node.type === 'paren') return numberValue(node.expr);
  if (node.type === 'unary') {
    const v = numberValue(node.expr);
    return v === undefined ? undefined : node.op === '-' ? -v : v;
  }
  return undefined;
}
