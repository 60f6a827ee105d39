/** The syntax tree of the Icinga 2 configuration: expressions, object-body statements and blocks. */

export type Expr =
  | { readonly e: 'lit'; readonly v: unknown }
  | { readonly e: 'ref'; readonly name: string }
  | { readonly e: 'get'; readonly obj: Expr; readonly key: Expr }
  | { readonly e: 'arr'; readonly items: readonly Expr[] }
  | { readonly e: 'dict'; readonly entries: readonly (readonly [string, Expr])[] }
  | { readonly e: 'bin'; readonly op: string; readonly l: Expr; readonly r: Expr }
  | { readonly e: 'un'; readonly op: string; readonly x: Expr }
  | { readonly e: 'call'; readonly fn: Expr; readonly args: readonly Expr[] }
  | { readonly e: 'unknown' };

/** A statement of an object body. */
export type Statement =
  | { readonly s: 'set'; readonly path: readonly string[]; readonly op: '=' | '+='; readonly value: Expr }
  | { readonly s: 'import'; readonly name: Expr }
  | { readonly s: 'assign' | 'ignore'; readonly cond: Expr };

export interface Block {
  readonly kind: 'object' | 'template' | 'apply';
  readonly type: string;
  readonly name: Expr;
  readonly body: readonly Statement[];
  readonly file: string;
  readonly line: number;
  readonly loop?: { readonly key: string | null; readonly value: string; readonly iterable: Expr };
}
