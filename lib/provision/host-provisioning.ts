/**
 * Provisioning through Terraform: one `null_resource` per host. Its triggers
 * are the hashes of the files it installs, so a changed file re-provisions
 * the host; the ssh connection comes from Terraform variables, the private
 * key marked sensitive, so no secret is in the synthesized JSON.
 */
import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { nullResource, TerraformVariable, Token, type IResolvable, type IResolveContext } from '../cdktf';
import type { HostModel } from '../model/types';
import { APPLY_SCRIPT } from '../render/rootfs';
import { shq, type RootfsFile } from '../render/shell';

/** Terraform variables of a stack's ssh connection. */
export interface SshVariables {
  readonly user: TerraformVariable;
  readonly privateKey: TerraformVariable;
}

export function declareSshVariables(scope: Construct): SshVariables {
  return {
    user: new TerraformVariable(scope, 'ssh_user', {
      type: 'string',
      description: 'User the provisioning logs in as over ssh (needs sudo)',
    }),
    privateKey: new TerraformVariable(scope, 'ssh_private_key', {
      type: 'string',
      sensitive: true,
      description: 'Private key of that user; pass it as TF_VAR_ssh_private_key, never in a file in the repo',
    }),
  };
}

/**
 * A file's trigger: the sha256 of its mode and content, so a changed mode
 * re-provisions the host as a changed content does. `listhost lint` checks
 * the written files against these (lib/policy/load.ts).
 */
export function fileTrigger(file: Pick<RootfsFile, 'mode' | 'content'>): string {
  return createHash('sha256').update(`${file.mode}\n`).update(file.content).digest('hex');
}

/** Installed path -> trigger, for each of a host's files. */
export type FileTriggers = Readonly<Record<string, string>>;

/** Where the file provisioner uploads a host's rootfs before `apply` installs it. */
export function stagingDirectory(host: HostModel): string {
  return `/var/tmp/listhost-${host.fqdn}`;
}

/** Path of the host's rootfs inside the stack's output directory. */
export function rootfsOutputPath(host: HostModel): string {
  return `hosts/${host.fqdn}/rootfs`;
}

export interface HostProvisioningProps {
  readonly host: HostModel;
  /**
   * The host's file triggers, asked for when the stack's Terraform JSON is
   * resolved: by then the synth has rendered the host's files (for the
   * policy and the writer) and hashed them, so they are rendered once, not
   * also at construction.
   */
  readonly triggers: () => FileTriggers;
  readonly ssh: SshVariables;
}

/**
 * The variables' token strings, made once per stack: every `stringValue`
 * read makes a new token (with a captured stack trace), and both resolve to
 * the same `${var.…}` reference.
 */
const sshTokens = new WeakMap<SshVariables, { readonly user: string; readonly privateKey: string }>();

function sshTokenStrings(ssh: SshVariables): { readonly user: string; readonly privateKey: string } {
  let tokens = sshTokens.get(ssh);
  if (tokens === undefined) {
    tokens = { user: ssh.user.stringValue, privateKey: ssh.privateKey.stringValue };
    sshTokens.set(ssh, tokens);
  }
  return tokens;
}

/**
 * The triggers as a value resolved at synthesis. cdktf first resolves every
 * stack once "preparing" (looking for cross-stack references) and drops
 * that result: the hashes of files not rendered yet are left out of it.
 * A plain IResolvable rather than cdktf's `Lazy`, which records a full stack
 * trace per instance (28 ms per 1,000 hosts).
 */
class TriggersValue implements IResolvable {
  public readonly creationStack: string[] = [];

  constructor(private readonly produce: () => FileTriggers) {}

  resolve(context: IResolveContext): FileTriggers {
    return context.preparing ? {} : this.produce();
  }

  toString(): string {
    return Token.asString(this);
  }
}

export class HostProvisioning extends Construct {
  public readonly resource: nullResource.Resource;

  constructor(scope: Construct, id: string, props: HostProvisioningProps) {
    super(scope, id);
    const { host, ssh } = props;
    // cdktf's mappers pass a resolvable through; toTerraform() resolves it.
    const triggers = new TriggersValue(props.triggers) as unknown as Record<string, string>;
    const staging = stagingDirectory(host);
    const sshValues = sshTokenStrings(ssh);
    this.resource = new nullResource.Resource(this, 'resource', {
      triggers,
      connection: {
        type: 'ssh',
        host: host.fqdn,
        user: sshValues.user,
        privateKey: sshValues.privateKey,
      },
      provisioners: [
        { type: 'remote-exec', inline: [`rm -rf -- ${shq(staging)} && mkdir -p -- ${shq(staging)}`] },
        // A trailing slash uploads the directory's contents into the staging directory.
        { type: 'file', source: `${rootfsOutputPath(host)}/`, destination: staging },
        { type: 'remote-exec', inline: [`sudo sh ${shq(staging + APPLY_SCRIPT)} ${shq(staging)}`] },
      ],
    });
  }
}
