/**
 * Evaluation of Icinga 2 expressions to plain values (UNKNOWN where the
 * linter cannot work one out), and building an object's attributes from
 * its templates and body.
 */
import type { Block, Expr } from './ast';

/** The value of an expression the linter cannot work out. */
export const UNKNOWN: unique symbol = Symbol('unknown');
export type Value = unknown;
export type Scope = Readonly<Record<string, Value>>;

export function isDict(v: Value): v is Record<string, Value> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function typeName(v: Value): string {
  if (v === UNKNOWN) return 'Unknown';
  if (typeof v === 'string') return 'String';
  if (typeof v === 'number') return 'Number';
  if (typeof v === 'boolean') return 'Boolean';
  if (Array.isArray(v)) return 'Array';
  if (isDict(v)) return 'Dictionary';
  return 'Object';
}

const GLOBAL_TYPES = new Set(['Dictionary', 'Array', 'String', 'Number', 'Boolean', 'Object']);

export function truthy(v: Value): boolean | typeof UNKNOWN {
  if (v === UNKNOWN) return UNKNOWN;
  if (Array.isArray(v)) return v.length > 0;
  if (isDict(v)) return Object.keys(v).length > 0;
  return Boolean(v);
}

function equal(a: Value, b: Value): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isDict(a) && isDict(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => equal(a[k], b[k]));
  }
  return a === b;
}

function icingaRegexMatch(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern).test(text);
  } catch {
    return false;
  }
}

function globMatch(pattern: string, text: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(text);
}

export function stringify(v: Value): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) return '';
  return JSON.stringify(v);
}

export function evaluate(expr: Expr, scope: Scope, self?: Record<string, Value>): Value {
  switch (expr.e) {
    case 'lit': return expr.v;
    case 'unknown': return UNKNOWN;
    case 'ref': {
      if (Object.prototype.hasOwnProperty.call(scope, expr.name)) return scope[expr.name];
      if (self && Object.prototype.hasOwnProperty.call(self, expr.name)) return self[expr.name];
      if (GLOBAL_TYPES.has(expr.name)) return expr.name;
      return UNKNOWN;
    }
    case 'get': {
      const obj = evaluate(expr.obj, scope, self);
      const key = evaluate(expr.key, scope, self);
      if (obj === UNKNOWN || key === UNKNOWN) return UNKNOWN;
      if (isDict(obj) && typeof key === 'string') return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : null;
      if (Array.isArray(obj) && typeof key === 'number') return obj[key] ?? null;
      return null;
    }
    case 'arr': return expr.items.map((item) => evaluate(item, scope, self));
    case 'dict': {
      const out: Record<string, Value> = {};
      for (const [k, v] of expr.entries) out[k] = evaluate(v, scope, self);
      return out;
    }
    case 'un': {
      const x = evaluate(expr.x, scope, self);
      if (x === UNKNOWN) return UNKNOWN;
      if (expr.op === '!') return !truthy(x);
      if (expr.op === '-' && typeof x === 'number') return -x;
      return UNKNOWN;
    }
    case 'call': {
      if (expr.fn.e !== 'ref') return UNKNOWN;
      const args = expr.args.map((a) => evaluate(a, scope, self));
      if (args.includes(UNKNOWN)) return UNKNOWN;
      switch (expr.fn.name) {
        case 'typeof': return typeName(args[0]);
        case 'len': return Array.isArray(args[0]) ? args[0].length : isDict(args[0]) ? Object.keys(args[0]).length : typeof args[0] === 'string' ? args[0].length : UNKNOWN;
        case 'string': return stringify(args[0]);
        case 'number': return Number(args[0]);
        case 'match': return typeof args[0] === 'string' ? globMatch(args[0], stringify(args[1])) : UNKNOWN;
        case 'regex': return typeof args[0] === 'string' ? icingaRegexMatch(args[0], stringify(args[1])) : UNKNOWN;
        default: return UNKNOWN;
      }
    }
    case 'bin': {
      if (expr.op === '&&' || expr.op === '||') {
        const l = truthy(evaluate(expr.l, scope, self));
        if (expr.op === '&&' && l === false) return false;
        if (expr.op === '||' && l === true) return true;
        const r = truthy(evaluate(expr.r, scope, self));
        if (l === UNKNOWN || r === UNKNOWN) return expr.op === '&&' ? (r === false ? false : UNKNOWN) : r === true ? true : UNKNOWN;
        return r;
      }
      const l = evaluate(expr.l, scope, self);
      const r = evaluate(expr.r, scope, self);
      if (l === UNKNOWN || r === UNKNOWN) return UNKNOWN;
      switch (expr.op) {
        case '+':
          if (typeof l === 'number' && typeof r === 'number') return l + r;
          if (Array.isArray(l) && Array.isArray(r)) return [...l, ...r];
          if (isDict(l) && isDict(r)) return { ...l, ...r };
          if ((typeof l === 'string' || typeof r === 'string') && l !== null && r !== null) return stringify(l) + stringify(r);
          return UNKNOWN;
        case '-': return typeof l === 'number' && typeof r === 'number' ? l - r : UNKNOWN;
        case '*': return typeof l === 'number' && typeof r === 'number' ? l * r : UNKNOWN;
        case '/': return typeof l === 'number' && typeof r === 'number' ? l / r : UNKNOWN;
        case '==': return equal(l, r);
        case '!=': return !equal(l, r);
        case '<': case '>': case '<=': case '>=':
          if (typeof l !== typeof r || (typeof l !== 'number' && typeof l !== 'string')) return UNKNOWN;
          return expr.op === '<' ? (l as number) < (r as number) : expr.op === '>' ? (l as number) > (r as number) : expr.op === '<=' ? (l as number) <= (r as number) : (l as number) >= (r as number);
        case 'in': case '!in': {
          const found = Array.isArray(r) ? r.some((x) => equal(x, l)) : isDict(r) && typeof l === 'string' ? Object.prototype.hasOwnProperty.call(r, l) : UNKNOWN;
          if (found === UNKNOWN) return UNKNOWN;
          return expr.op === 'in' ? found : !found;
        }
        default: return UNKNOWN;
      }
    }
  }
}

/**
 * Sets `path` in `target`. Dictionaries on the way are copied on first write
 * (they may be literals shared with the parsed configuration, e.g. a
 * template's `vars`); `owned` holds the copies this object already made, so
 * an object setting many `vars.x` copies its `vars` once, not once per line.
 */
function setPath(target: Record<string, Value>, path: readonly string[], op: '=' | '+=', value: Value, owned: WeakSet<object>): void {
  let node = target;
  for (let i = 0; i < path.length - 1; i++) {
    const part = path[i];
    const child = node[part];
    if (isDict(child) && owned.has(child)) {
      node = child;
      continue;
    }
    const copy: Record<string, Value> = isDict(child) ? { ...child } : {};
    owned.add(copy);
    node[part] = copy;
    node = copy;
  }
  const last = path[path.length - 1];
  if (op === '+=') {
    const old = node[last];
    if (isDict(old) && isDict(value)) node[last] = { ...old, ...value };
    else if (Array.isArray(old) && Array.isArray(value)) node[last] = [...old, ...value];
    else if (typeof old === 'string' && typeof value === 'string') node[last] = old + value;
    else node[last] = value;
  } else {
    node[last] = value;
  }
}

export function buildObject(
  block: Block,
  templates: ReadonlyMap<string, Block>,
  scope: Scope,
  into: Record<string, Value>,
  imported: string[],
  seen: Set<Block> = new Set(),
  owned: WeakSet<object> = new WeakSet(),
): void {
  if (seen.has(block)) return;
  seen.add(block);
  for (const statement of block.body) {
    if (statement.s === 'import') {
      const name = evaluate(statement.name, scope, into);
      const template = typeof name === 'string' ? templates.get(`${block.type}\0${name}`) : undefined;
      if (template) {
        buildObject(template, templates, scope, into, imported, seen, owned);
        if (typeof name === 'string' && !imported.includes(name)) imported.push(name);
      }
    } else if (statement.s === 'set') {
      setPath(into, statement.path, statement.op, evaluate(statement.value, scope, into), owned);
    }
  }
}
