/** The PromQL syntax tree: label matchers and expression nodes. */

export interface LabelMatcher {
  readonly name: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

export type PromNode =
  | { readonly type: 'number'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | {
      readonly type: 'vector';
      /** Metric name, or null for `{__name__=...}` / `{...}` forms (see matchers). */
      readonly name: string | null;
      readonly matchers: readonly LabelMatcher[];
      /** Range in milliseconds for a range selector (`x[5m]`). */
      readonly rangeMs?: number;
    }
  | {
      readonly type: 'aggregation';
      readonly op: string;
      readonly grouping: { readonly mode: 'by' | 'without'; readonly labels: readonly string[] } | null;
      readonly param: PromNode | null;
      readonly expr: PromNode;
    }
  | { readonly type: 'call'; readonly func: string; readonly args: readonly PromNode[] }
  | {
      readonly type: 'binary';
      readonly op: string;
      readonly left: PromNode;
      readonly right: PromNode;
      readonly bool: boolean;
      readonly matching: { readonly mode: 'on' | 'ignoring'; readonly labels: readonly string[] } | null;
    }
  | { readonly type: 'unary'; readonly op: '-' | '+'; readonly expr: PromNode }
  | { readonly type: 'paren'; readonly expr: PromNode }
  | { readonly type: 'subquery'; readonly expr: PromNode; readonly rangeMs: number; readonly stepMs: number | null };

export type VectorNode = Extract<PromNode, { type: 'vector' }>;
