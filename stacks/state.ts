import {
  CloudBackend,
  DataTerraformRemoteState,
  DataTerraformRemoteStateLocal,
  DataTerraformRemoteStateS3,
  LocalBackend,
  NamedCloudWorkspace,
  NamedRemoteWorkspace,
  S3Backend,
  type TerraformRemoteState,
  type TerraformStack,
} from "cdktf";
import type { Construct } from "constructs";
import type { StateConfig } from "./config/backend";
import type { StackId } from "./stack-ids";

/**
 * Where each stack keeps its Terraform state, and how a stack reads another's outputs from there:
 * both derive from the same settings, so the api stack always reads the workflow's state from
 * where the workflow stack writes it.
 */

/**
 * Local state lives beside the output folder (by default the project folder, as cdktf does), never
 * inside it: cdktf deletes the folders of stacks it no longer synthesizes. Terraform runs in
 * `<output>/stacks/<stack>`, so the path is given relative to that folder: the synthesized JSON then
 * holds no absolute path of this machine and is the same on every machine.
 */
export function localStatePath(stackId: StackId): string {
  return `../../../terraform.${stackId}.tfstate`;
}

/** The S3 key of a stack's state. */
export function s3StateKey(keyPrefix: string, stackId: StackId): string {
  return `${keyPrefix}/${stackId}.tfstate`;
}

/** Terraform versions a stack needs with this backend. */
export function requiredTerraformVersion(state: StateConfig): string {
  // S3's own lock file (use_lockfile) is generally available since Terraform 1.11.
  if (state.backend === "s3") return ">= 1.11.0, < 2.0.0";
  // The cloud block's workspaces.project is accepted since Terraform 1.6.
  return state.backend === "cloud" && state.project ? ">= 1.6.0, < 2.0.0" : ">= 1.5.0, < 2.0.0";
}

/** Declares the stack's backend explicitly. Credentials never go here: they come from the environment. */
export function useStateBackend(stack: TerraformStack, stackId: StackId, state: StateConfig): void {
  switch (state.backend) {
    case "local":
      new LocalBackend(stack, { path: localStatePath(stackId) });
      return;
    case "s3":
      new S3Backend(stack, { bucket: state.bucket, key: s3StateKey(state.keyPrefix, stackId), region: state.region, encrypt: true });
      // S3's own lock file replaces the DynamoDB table (deprecated since Terraform 1.11); cdktf 0.21's
      // S3Backend has no property for it.
      stack.addOverride("terraform.backend.s3.use_lockfile", true);
      return;
    case "cloud":
      new CloudBackend(stack, {
        hostname: state.hostname,
        organization: state.organization,
        workspaces: new NamedCloudWorkspace(state.workspaces[stackId], state.project),
      });
      return;
  }
}

/**
 * Reads the outputs of another stack from where its backend keeps its state. `defaults` stand in
 * while that state has no outputs yet (a first plan on a new backend).
 *
 * Terraform Cloud: the `remote` backend data source, not `tfe_outputs`. It needs no second
 * provider and no token in the configuration; what it costs is that the workflow workspace must
 * share its state with the api workspace, and the workflow state holds nothing secret.
 */
export function readStackState(scope: Construct, stackId: StackId, state: StateConfig, defaults?: Record<string, string>): TerraformRemoteState {
  switch (state.backend) {
    case "local":
      return new DataTerraformRemoteStateLocal(scope, stackId, { path: localStatePath(stackId), defaults });
    case "s3":
      return new DataTerraformRemoteStateS3(scope, stackId, {
        bucket: state.bucket,
        key: s3StateKey(state.keyPrefix, stackId),
        region: state.region,
        defaults,
      });
    case "cloud":
      return new DataTerraformRemoteState(scope, stackId, {
        hostname: state.hostname,
        organization: state.organization,
        workspaces: new NamedRemoteWorkspace(state.workspaces[stackId]),
        defaults,
      });
  }
}
