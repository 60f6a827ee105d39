/**
 * The one module that imports cdktf. Moving to the cdktn fork (cdktf was
 * archived in December 2025) means changing the package names here, or
 * aliasing `cdktf` to `npm:cdktn@0.24.0` in the app's package.json.
 */
export { App, TerraformStack, TerraformVariable, Token, AnnotationMetadataEntryType } from 'cdktf';
export type { IResolvable, IResolveContext, ISynthesisSession } from 'cdktf';
// Internal hook that cdktf's own TerraformAsset uses to write files beside
// cdk.tf.json; it receives the session whose manifest knows each stack's
// output directory, so `cdktf synth --output DIR` is honoured.
export { addCustomSynthesis } from 'cdktf/lib/synthesize/synthesizer';
// The error a stack's failed validations raise in app.synth(); the policy
// thread raises the same one after it (lib/synth/policy-thread-report.ts).
export { stackValidationFailure } from 'cdktf/lib/errors';
export { provider as nullProvider, resource as nullResource } from '@cdktf/provider-null';
