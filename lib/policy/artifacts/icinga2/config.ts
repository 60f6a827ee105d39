/**
 * The Icinga 2 object model: hosts and the services Icinga would create for
 * each of them, from the parsed and evaluated .conf files.
 */
import type { Block, Statement } from './ast';
import { buildObject, evaluate, isDict, stringify, truthy, type Scope, type Value } from './evaluate';
import { Parser } from './parse';
import { tokenize } from './tokenize';

export interface IcingaObject {
  readonly type: string;
  readonly name: string;
  /** Attributes after templates and the body, evaluated. */
  readonly attrs: Readonly<Record<string, Value>>;
  /** Template names imported (transitively), then the object's own name. */
  readonly templates: readonly string[];
  readonly file: string;
  readonly line: number;
}

/** A Service as Icinga would create it for a host. */
export interface IcingaService {
  readonly name: string;
  readonly hostName: string;
  readonly checkCommand: Value;
  readonly vars: Readonly<Record<string, Value>>;
  /** Where the `apply` rule or `object Service` is. */
  readonly file: string;
  readonly line: number;
}

export interface IcingaConfig {
  /** The .conf files read, as shown to the user. */
  readonly files: readonly string[];
  readonly hosts: ReadonlyMap<string, IcingaObject>;
  /** The services Icinga would create for this host (computed once per host). */
  servicesFor(hostName: string): readonly IcingaService[];
}

/** Decodes what a macro-resolved custom variable yields (`$$` is a literal `$`). */
export function macroText(value: Value): string | undefined {
  return typeof value === 'string' ? value.replace(/\$\$/g, '$') : undefined;
}

/** Parses and indexes the .conf files (display name -> text), in the order given. */
export function parseIcingaConfig(files: readonly { readonly file: string; readonly text: string }[]): IcingaConfig {
  const blocks: Block[] = [];
  for (const { file, text } of files) blocks.push(...new Parser(tokenize(text, file)).parseFile(file));

  const templates = new Map<string, Block>();
  for (const block of blocks) {
    if (block.kind !== 'template') continue;
    const name = evaluate(block.name, {});
    if (typeof name === 'string') templates.set(`${block.type}\0${name}`, block);
  }

  const hosts = new Map<string, IcingaObject>();
  const explicitServices = new Map<string, IcingaService[]>();
  const serviceApplies: Block[] = [];
  for (const block of blocks) {
    if (block.kind === 'apply' && block.type === 'Service') serviceApplies.push(block);
    if (block.kind !== 'object') continue;
    const name = evaluate(block.name, {});
    if (typeof name !== 'string') continue;
    const attrs: Record<string, Value> = { name };
    const imported: string[] = [];
    buildObject(block, templates, {}, attrs, imported);
    const object: IcingaObject = { type: block.type, name, attrs, templates: [...imported, name], file: block.file, line: block.line };
    if (block.type === 'Host') hosts.set(name, object);
    if (block.type === 'Service') {
      const hostName = attrs.host_name;
      if (typeof hostName === 'string') {
        const list = explicitServices.get(hostName) ?? [];
        list.push({ name, hostName, checkCommand: attrs.check_command ?? null, vars: isDict(attrs.vars) ? attrs.vars : {}, file: block.file, line: block.line });
        explicitServices.set(hostName, list);
      }
    }
  }

  const cache = new Map<string, IcingaService[]>();
  const servicesFor = (hostName: string): readonly IcingaService[] => {
    const cached = cache.get(hostName);
    if (cached) return cached;
    const services = [...(explicitServices.get(hostName) ?? [])];
    const host = hosts.get(hostName);
    if (host) {
      const hostValue = { ...host.attrs, templates: host.templates };
      for (const block of serviceApplies) {
        const base: Record<string, Value> = { host: hostValue };
        const iterations: { scope: Scope; suffix: string }[] = [];
        if (block.loop) {
          const iterable = evaluate(block.loop.iterable, base);
          if (isDict(iterable)) {
            for (const [k, v] of Object.entries(iterable)) {
              const scope: Record<string, Value> = { ...base, [block.loop.value]: v };
              if (block.loop.key !== null) scope[block.loop.key] = k;
              iterations.push({ scope, suffix: k });
            }
          } else if (Array.isArray(iterable) && block.loop.key === null) {
            for (const v of iterable) iterations.push({ scope: { ...base, [block.loop.value]: v }, suffix: stringify(v) });
          }
        } else {
          iterations.push({ scope: base, suffix: '' });
        }
        for (const { scope, suffix } of iterations) {
          const conditions = block.body.filter((s): s is Extract<Statement, { s: 'assign' | 'ignore' }> => s.s === 'assign' || s.s === 'ignore');
          const assigned = conditions.some((c) => c.s === 'assign' && truthy(evaluate(c.cond, scope)) === true);
          const ignored = conditions.some((c) => c.s === 'ignore' && truthy(evaluate(c.cond, scope)) === true);
          if (!assigned || ignored) continue;
          const prefix = evaluate(block.name, scope);
          const attrs: Record<string, Value> = {};
          buildObject(block, templates, scope, attrs, []);
          services.push({
            name: `${typeof prefix === 'string' ? prefix : ''}${suffix}`,
            hostName,
            checkCommand: attrs.check_command ?? null,
            vars: isDict(attrs.vars) ? attrs.vars : {},
            file: block.file,
            line: block.line,
          });
        }
      }
    }
    cache.set(hostName, services);
    return services;
  };

  return { files: files.map((f) => f.file), hosts, servicesFor };
}
