import { DataTerraformRemoteStateLocal, LocalBackend, TerraformStack } from "cdktf";
import { Construct } from "constructs";

/**
 * Where each stack keeps its Terraform state, and how the api stack reads the workflow's.
 *
 * Local state lives beside the output folder (by default the project folder, as cdktf does), never
 * inside it: cdktf deletes the folders of stacks it no longer synthesizes. Terraform runs in
 * `<output>/stacks/<stack>`, so the path is given relative to that folder: the synthesized JSON then
 * holds no absolute path of this machine and is the same on every machine.
 */
export function localStatePath(stackId: string): string {
  return `../../../terraform.${stackId}.tfstate`;
}

/** Declares the stack's backend explicitly. */
export function useStateBackend(stack: TerraformStack, stackId: string): void {
  new LocalBackend(stack, { path: localStatePath(stackId) });
}

/** Reads the outputs of an applied stack from the place its backend keeps its state. */
export function readStackState(scope: Construct, stackId: string): DataTerraformRemoteStateLocal {
  return new DataTerraformRemoteStateLocal(scope, stackId, { path: localStatePath(stackId) });
}
