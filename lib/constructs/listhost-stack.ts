/**
 * A stack of service hosts. It owns what is per stack: the ssh variables,
 * the null provider, the monitoring settings, and the synthesis of the
 * stack's artifacts (evaluated once per stack, not per host).
 */
import type { Construct, IConstruct } from 'constructs';
import { AnnotationMetadataEntryType, addCustomSynthesis, nullProvider, TerraformStack, type ISynthesisSession } from '../cdktf';
import { policyValidation, validationMessages, type SynthPolicyInput } from '../policy/synth-validation';
import { propErrors } from '../errors';
import type { HostModel } from '../model/types';
import { ALERTING_PROP_KEYS, type MonitoringProps } from '../monitoring/alerting-props';
import { checkAlertingProps } from '../monitoring/alertmanager';
import { HostsDisagreeError } from '../monitoring/mixin-config';
import { declareSshVariables, HostProvisioning, type FileTriggers, type SshVariables } from '../provision/host-provisioning';
import { renderRootfs } from '../render/rootfs';
import type { PolicyThread } from '../synth/policy-thread';
import { packArtifacts, type PolicyJob, type PolicyVerdict } from '../synth/policy-thread-protocol';
import { renderStackArtifacts, rootfsTriggers, type StackArtifacts } from '../synth/stack-artifacts';
import { writeStackArtifacts } from '../synth/writer';
import { allKeys, checkKnownProps } from './known-props';
import { checkUrl } from './prop-checks';
import type { ServiceHost } from './service-host';
import { rootfsContributors } from '../render/contributors';

export interface ListhostStackProps {
  readonly monitoring: MonitoringProps;
}

const STACK_PROP_KEYS = allKeys<ListhostStackProps>()(['monitoring']);

const LISTHOST_STACK = Symbol.for('cdktf-listhost.ListhostStack');

/**
 * Every host of an app (by its root), for the policy's platform uniformity:
 * found once, not once per stack (a walk of the whole tree per stack was
 * quadratic: 2.6 s of a 10,000-host synth in 100 stacks). Dropped whenever
 * a host is registered.
 */
const appHostsByRoot = new WeakMap<IConstruct, HostModel[]>();

function appHosts(root: IConstruct): HostModel[] {
  let hosts = appHostsByRoot.get(root);
  if (hosts === undefined) {
    hosts = root.node.findAll().filter((node): node is ListhostStack => node instanceof ListhostStack).flatMap((stack) => stack.hosts);
    appHostsByRoot.set(root, hosts);
  }
  return hosts;
}

export class ListhostStack extends TerraformStack {
  /** The stack a construct is declared in; hosts must be inside a ListhostStack. */
  static override of(construct: IConstruct): ListhostStack {
    for (let node: IConstruct | undefined = construct; node; node = node.node.scope) {
      if ((node as unknown as Record<symbol, unknown>)[LISTHOST_STACK] === true) return node as ListhostStack;
    }
    throw new Error(`${construct.node.path}: declare hosts inside a ListhostStack (new ListhostStack(app, 'name', { monitoring }))`);
  }

  public readonly monitoring: MonitoringProps;
  private readonly hostsByFqdn = new Map<string, ServiceHost>();
  private hostsByPath?: Map<string, ServiceHost>;
  private ssh?: SshVariables;
  private artifacts?: StackArtifacts;
  /** @internal Digest of the files the last synth wrote for this stack (generation markers, lib/synth/generation.ts). */
  public writtenDigest?: string;
  /** @internal Set by `synthesize(app)` while the policy runs on its own thread (lib/synth/policy-thread.ts). */
  public policyThread?: PolicyThread;
  /** The policy run here, on the main thread. */
  private readonly policyHere: { validate(): string[] };

  constructor(scope: Construct, id: string, props: ListhostStackProps) {
    super(scope, id);
    Object.defineProperty(this, LISTHOST_STACK, { value: true });
    const where = `ListhostStack ${id}`;
    checkKnownProps(where, '', props, STACK_PROP_KEYS, 'ListhostStack');
    if (!props?.monitoring) throw propErrors.required(where, 'monitoring', '{ runbookBaseUrl, alerting: { pager, tickets } }');
    checkKnownProps(where, 'monitoring', props.monitoring, ALERTING_PROP_KEYS.monitoring, 'monitoring');
    if (props.monitoring.runbookBaseUrl === undefined) throw propErrors.required(where, 'monitoring.runbookBaseUrl', 'the URL where monitoring/runbooks/ is published, e.g. "https://runbooks.example.org/lists/"');
    checkUrl(where, 'monitoring.runbookBaseUrl', props.monitoring.runbookBaseUrl);
    if (!props.monitoring.runbookBaseUrl.endsWith('/')) {
      throw propErrors.invalid(where, 'monitoring.runbookBaseUrl', props.monitoring.runbookBaseUrl, 'a URL ending in "/" (alert names are appended)');
    }
    if (!props.monitoring.alerting?.pager || !props.monitoring.alerting?.tickets) {
      throw propErrors.required(where, 'monitoring.alerting', '{ pager, tickets }: critical alerts page, warnings open tickets');
    }
    // Receivers are checked now, not when the stack is rendered, so a bad one fails at construction.
    checkAlertingProps(props.monitoring.alerting, where);
    this.monitoring = props.monitoring;
    new nullProvider.NullProvider(this, 'null');
    addCustomSynthesis(this, { onSynthesize: (session) => this.writeArtifacts(session) });
    // The policy rules of `listhost lint`, over what is about to be written:
    // errors fail the synth with rule ID, construct path and fix; warnings
    // become annotations. Platform uniformity spans every stack of the app.
    // With the policy thread, the stack goes to the worker here and
    // `synthesize(app)` reports its answer (completePolicy) before the output
    // is swapped in.
    this.policyHere = policyValidation(() => this.policyInput(), (constructPath, message) => this.warn(constructPath, message));
    this.node.addValidation({
      validate: () => {
        if (!this.policyThread) return this.policyHere.validate();
        const job = this.policyJob();
        // Not prepared: nothing to check (writing fails anyway), as on the main thread.
        if (job) this.policyThread.check(job);
        return [];
      },
    });
  }

  /**
   * The host declared at a construct path. Warnings come one per host and
   * rule, so the lookup is a map built once, not a scan of every host.
   */
  private hostAt(constructPath: string): ServiceHost | undefined {
    this.hostsByPath ??= new Map([...this.hostsByFqdn.values()].map((host) => [host.node.path, host]));
    return this.hostsByPath.get(constructPath);
  }

  /** Hosts in declaration order. */
  get hosts(): HostModel[] {
    return [...this.hostsByFqdn.values()].map((host) => host.model);
  }

  /** @internal Each host's construct path by fqdn, in declaration order. */
  hostDeclarations(): ReadonlyMap<string, string> {
    return new Map([...this.hostsByFqdn].map(([fqdn, host]) => [fqdn, host.node.path]));
  }

  /** Called by ServiceHost: provisions the host and remembers it for monitoring. */
  registerHost(host: ServiceHost): void {
    const model = host.model;
    const other = this.hostsByFqdn.get(model.fqdn);
    if (other) {
      throw propErrors.conflict(host.node.path, 'fqdn', model.fqdn, `is already declared by ${other.node.path}; each host is declared once per stack`);
    }
    this.hostsByFqdn.set(model.fqdn, host);
    this.hostsByPath = undefined;
    appHostsByRoot.delete(this.node.root);
    this.ssh ??= declareSshVariables(this);
    // The triggers are the hashes of the host's files as the synth renders
    // them for the policy and the writer: rendered once, at synth, not also
    // here (docs/PERFORMANCE.md).
    new HostProvisioning(host, 'Provisioning', { host: model, triggers: () => this.rootfsTriggers(model), ssh: this.ssh });
    this.artifacts = undefined;
  }

  /** A host's file triggers: from the stack's rendered files once prepared, else from its files rendered now (pure renderers, the same bytes). */
  private rootfsTriggers(model: HostModel): FileTriggers {
    return this.artifacts?.rootfsTriggers(model.fqdn) ?? rootfsTriggers(renderRootfs(model, rootfsContributors));
  }

  /**
   * Prepares the stack's artifacts: validates the host models and evaluates
   * the jsonnet mixin here (once per distinct config, shared by stacks); the
   * files are rendered when the synth reads them, one stack at a time.
   * `synthesize(app)` calls it for every stack before `app.synth()`.
   */
  async prepare(): Promise<void> {
    try {
      this.artifacts = await renderStackArtifacts(this.hosts.map((model) => ({ model })), this.monitoring);
    } catch (error) {
      throw error instanceof HostsDisagreeError ? this.disagreement(error) : error;
    }
  }

  /** The hosts' construct paths instead of their fqdns, and what to do. */
  private disagreement(error: HostsDisagreeError): Error {
    const paths = this.hostDeclarations();
    const [a, b] = error.hosts.map((host) => `${paths.get(host.fqdn) ?? host.fqdn} (${JSON.stringify(host.value)})`);
    const prop = error.field.startsWith('filesystemThresholds.') ? 'prop ' : '';
    return new Error(
      `${this.node.path}: ${a} and ${b} disagree on ${prop}${error.field}: a stack's monitoring rules are fleet-wide, ` +
        'so every host of the stack needs the same value; set it alike on each, or declare the hosts in separate stacks',
    );
  }

  /**
   * @internal What the validation sends the policy thread: the policy input
   * without the app's hosts (the thread has them), its files packed, each
   * distinct text once (rendered once for the thread and the writer);
   * undefined before `prepare()`.
   */
  policyJob(): PolicyJob | undefined {
    const input = this.policyInput();
    return input && this.artifacts && { key: this.node.path, stack: input.stack, hosts: input.hosts, artifacts: packArtifacts(this.artifacts) };
  }

  private policyInput(): SynthPolicyInput | undefined {
    return this.artifacts && {
      stack: this.node.id,
      hosts: [...this.hostsByFqdn.values()].map((host) => ({ model: host.model, constructPath: host.node.path })),
      artifacts: this.artifacts,
      appHosts: appHosts(this.node.root),
    };
  }

  /**
   * A warning as an annotation of the host (or the stack), without the stack
   * trace cdktf's `Annotations` would record: it would be the library's, and
   * it would put the checkout's paths into manifest.json.
   */
  private warn(constructPath: string, message: string): void {
    (this.hostAt(constructPath) ?? this).node.addMetadata(AnnotationMetadataEntryType.WARN, message);
  }

  /**
   * @internal The policy thread's answer for this stack (undefined: it gave
   * none, so the policy runs here): adds its warnings and returns its errors,
   * as the stack's validation would have.
   */
  completePolicy(verdict: PolicyVerdict | undefined): string[] {
    if (!verdict) return this.policyHere.validate();
    return validationMessages(this.node.id, verdict, (constructPath, message) => this.warn(constructPath, message));
  }

  private writeArtifacts(session: ISynthesisSession): void {
    if (!this.artifacts) {
      throw new Error(`ListhostStack ${this.node.id}: its monitoring was not prepared; end the app with \`await synthesize(app)\` from cdktf-listhost instead of \`app.synth()\``);
    }
    const stackDirectory = session.manifest.forStack(this).workingDirectory;
    this.writtenDigest = writeStackArtifacts(`${session.outdir}/${stackDirectory}`, this.artifacts);
  }
}
