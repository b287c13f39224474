import { DataAwsS3Objects } from "@cdktf/provider-aws/lib/data-aws-s3-objects";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Fn, ref, TerraformLocal, type TerraformStack } from "cdktf";
import type { StateConfig } from "./config/backend";
import type { StepgateConfig } from "./config/load";
import { STACK_IDS } from "./stack-ids";
import { localStatePath, readStackState, s3StateKey } from "./state";
import { WORKFLOW_OUTPUTS } from "./workflow-stack";

/** What the api stack takes from the workflow stack's state. */
export interface WorkflowState {
  /** The default workflow's state machine. */
  readonly stateMachineArn: string;
  /** Every other workflow's state machine, by name, in the order of the settings. */
  readonly stateMachineArns: ReadonlyArray<{ readonly name: string; readonly stateMachineArn: string }>;
}

/** The Terraform address of the data source that reads the workflow's state (pinned: never change it). */
export const WORKFLOW_STATE_DATA = `data.terraform_remote_state.${STACK_IDS.workflow}`;

/**
 * Reads the workflow's outputs, with a visible placeholder (account 000000000000) until the
 * workflow is applied. `terraform_remote_state` fails on a backend that holds no state at all
 * (its `defaults` apply only to a state that exists), so where the state's existence can be probed
 * the data source is read only when the state exists: local, `fileexists`; s3, a listing of the
 * key. Terraform Cloud cannot be probed without another provider: there the first api plan stops
 * with "Unable to find remote state" until `workflow` is applied.
 *
 * Every output is read here, each as one local value, so a fallback from a new output to an old
 * one is one line.
 */
export function readWorkflowState(stack: TerraformStack, config: StepgateConfig): WorkflowState {
  const placeholderOf = (stateMachine: string) => `arn:aws:states:${config.region}:000000000000:stateMachine:${stateMachine}`;
  const placeholder = placeholderOf(config.names.stateMachine);
  const remote = readStackState(stack, STACK_IDS.workflow, config.state, { [WORKFLOW_OUTPUTS.stateMachineArn]: placeholder });
  const exists = workflowStateExists(stack, config.state);
  if (exists) remote.addOverride("count", `\${${exists} ? 1 : 0}`);
  const outputs = `${WORKFLOW_STATE_DATA}${exists ? "[0]" : ""}.outputs`;
  const output = (name: string, fallback: string) =>
    new TerraformLocal(stack, workflowOutputLocal(name), Fn.try([ref(`${outputs}.${name}`), fallback])).asString;
  // A workflow state written before STEPGATE_WORKFLOWS has no state_machine_arns, and one written
  // before a workflow was added lacks its key: either way its placeholder stands in, until applied.
  const stateMachineArns = config.workflows.slice(1).map(({ name, names }) => ({
    name,
    stateMachineArn: new TerraformLocal(
      stack,
      workflowArnLocal(name),
      Fn.try([ref(`${outputs}.${WORKFLOW_OUTPUTS.stateMachineArns}["${name}"]`), placeholderOf(names.stateMachine)]),
    ).asString,
  }));
  return { stateMachineArn: output(WORKFLOW_OUTPUTS.stateMachineArn, placeholder), stateMachineArns };
}

/** The name of the local value that holds a workflow's (other than the default) state machine ARN. */
export function workflowArnLocal(workflow: string): string {
  return `${workflowOutputLocal(WORKFLOW_OUTPUTS.stateMachineArns)}_${workflow}`;
}

/** The name of the local value that holds a workflow output: what the api stack's resources reference. */
export function workflowOutputLocal(output: string): string {
  return `workflow_${output}`;
}

/** A Terraform condition that is true when the workflow's state exists; undefined where it cannot be told. */
function workflowStateExists(stack: TerraformStack, state: StateConfig): string | undefined {
  switch (state.backend) {
    case "local":
      // Relative to the stack's working directory, as the backend's path is.
      return `fileexists("${localStatePath(STACK_IDS.workflow)}")`;
    case "s3": {
      const key = s3StateKey(state.keyPrefix, STACK_IDS.workflow);
      // The bucket's region may differ from the stack's; listing needs only s3:ListBucket.
      const provider = new AwsProvider(stack, "workflow_state_aws", { alias: "workflow_state", region: state.region });
      const objects = new DataAwsS3Objects(stack, "workflow_state", { provider, bucket: state.bucket, prefix: key });
      return `contains(data.${DataAwsS3Objects.tfResourceType}.${objects.node.id}.keys, "${key}")`;
    }
    case "cloud":
      return undefined;
  }
}
