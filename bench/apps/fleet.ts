/**
 * The fleet both benchmark apps build, so they have the same stack layout:
 * hosts grouped into stacks of `perStack` (a site's worth, as a real fleet
 * splits its state), sites dc1..dc4 in turn, four rows per stack.
 */

export interface FleetHost {
  /** Construct id inside its stack. */
  readonly id: string;
  readonly fqdn: string;
  readonly site: string;
  readonly row: string;
  readonly database: string;
}

export interface FleetStack {
  readonly id: string;
  readonly hosts: readonly FleetHost[];
}

export const DEFAULT_HOSTS_PER_STACK = 100;
const SITES = ['dc1', 'dc2', 'dc3', 'dc4'];
const ROWS = ['A', 'B', 'C', 'D'];

export function fleetLayout(hosts: number, perStack: number = DEFAULT_HOSTS_PER_STACK): FleetStack[] {
  if (!Number.isInteger(hosts) || hosts < 1) throw new Error(`hosts must be a positive integer, got ${hosts}`);
  if (!Number.isInteger(perStack) || perStack < 1) throw new Error(`hosts per stack must be a positive integer, got ${perStack}`);
  const stacks: FleetStack[] = [];
  for (let s = 0; s * perStack < hosts; s++) {
    const site = SITES[s % SITES.length];
    const count = Math.min(perStack, hosts - s * perStack);
    const members: FleetHost[] = [];
    for (let i = 0; i < count; i++) {
      const n = s * perStack + i;
      const id = `lists${String(n).padStart(5, '0')}`;
      members.push({ id, fqdn: `${id}.${site}.example.org`, site, row: ROWS[Math.floor((i * ROWS.length) / count)], database: `db1.${site}.example.org` });
    }
    stacks.push({ id: `lists-${site}-${String(s).padStart(3, '0')}`, hosts: members });
  }
  return stacks;
}

/** `--name value` from argv, or undefined. */
export function argValue(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** The arguments both apps take: `--hosts N --outdir DIR [--per-stack K]`, and the fleet they lay out. */
export function appArguments(argv: readonly string[]): { readonly hosts: number; readonly outdir: string; readonly layout: FleetStack[] } {
  const hosts = Number(argValue(argv, '--hosts'));
  const outdir = argValue(argv, '--outdir');
  if (!outdir) throw new Error('--outdir DIR is required');
  const perStack = argValue(argv, '--per-stack');
  return { hosts, outdir, layout: fleetLayout(hosts, perStack === undefined ? undefined : Number(perStack)) };
}

/** What every app child prints as its one stdout line. */
export interface AppReport {
  readonly stacks: number;
  readonly hosts: number;
  /** Module loading, from process start to the first line of main. */
  readonly load_ms: number;
  /** Building the construct tree. */
  readonly construct_ms: number;
  /** `synthesize(app)` / `app.synth()`. */
  readonly synth_ms: number;
}
