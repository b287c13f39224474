import { DataAwsS3Objects } from "@cdktf/provider-aws/lib/data-aws-s3-objects";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Fn, ref, type TerraformResource, TerraformLocal, type TerraformStack, TerraformVariable } from "cdktf";
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
  /** The runner of async workflows, when any workflow is async. */
  readonly runnerArn?: string;
  /**
   * A Terraform expression: the names of the workflows whose state machine is still the placeholder
   * (the workflow stack not applied, or applied before they were added), in the order of the settings.
   */
  readonly notApplied: string;
}

/** The Terraform address of the data source that reads the workflow's state (pinned: never change it). */
export const WORKFLOW_STATE_DATA = `data.terraform_remote_state.${STACK_IDS.workflow}`;

/** The local value that lists the workflows whose state machine is still the placeholder. */
const WORKFLOWS_NOT_APPLIED_LOCAL = "workflows_not_applied";

/** The api stack's variable that a plan for review sets, never a deploy (CI sets TF_VAR_review_plan: pinned). */
const REVIEW_PLAN_VARIABLE = "review_plan";

/** The check block that warns, in every plan, while a workflow's state machine is the placeholder. */
const WORKFLOW_APPLIED_CHECK = "workflow_applied";

/**
 * Reads the workflow's outputs, with a visible placeholder (account 000000000000) until the
 * workflow is applied. `terraform_remote_state` fails on a backend that holds no state at all
 * (its `defaults` apply only to a state that exists), so where the state's existence can be probed
 * the data source is read only when the state exists: local, `fileexists`; s3, a listing of the
 * key. Terraform Cloud cannot be probed without another provider: there the first api plan stops
 * with "Unable to find remote state" until `workflow` is applied.
 *
 * Every output is read here, each as one local value, so a fallback from a new output to an old
 * one is one line. The placeholders are for reading only: see {@link refuseApplyBeforeWorkflow}.
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
  const stateMachineArn = output(WORKFLOW_OUTPUTS.stateMachineArn, placeholder);
  // A workflow state written before the first async workflow has no runner: its placeholder stands in.
  const hasRunner = config.workflows.some((w) => w.async);
  const runnerArn = hasRunner ? output(WORKFLOW_OUTPUTS.runnerArn, placeholderOf(config.names.runnerStateMachine)) : undefined;
  // By the locals' names, not the tokens above: the list reads plainly in the synthesized JSON.
  const locals = [
    { name: config.workflows[0].name, local: workflowOutputLocal(WORKFLOW_OUTPUTS.stateMachineArn) },
    ...config.workflows.slice(1).map(({ name }) => ({ name, local: workflowArnLocal(name) })),
    ...(hasRunner ? [{ name: config.names.runnerStateMachine, local: workflowOutputLocal(WORKFLOW_OUTPUTS.runnerArn) }] : []),
  ];
  const notApplied = new TerraformLocal(
    stack,
    WORKFLOWS_NOT_APPLIED_LOCAL,
    `\${[for w in [${locals.map((w) => `{ name = "${w.name}", arn = local.${w.local} }`).join(", ")}] : w.name if startswith(w.arn, "${placeholderOf("")}")]}`,
  );
  return { stateMachineArn, stateMachineArns, runnerArn, notApplied: `local.${notApplied.friendlyUniqueId}` };
}

/**
 * Stops a plan, and so an apply, of the api stack while a workflow's state machine is the
 * placeholder: applied, the APIs would call a state machine that does not exist, and fail every
 * request at run time. A plan for review sets `var.review_plan` and goes on; the check block then
 * warns in its output and in `terraform show -json` (`checks`). The precondition sits on `guarded`,
 * a resource every plan evaluates; destroys never evaluate it.
 */
export function refuseApplyBeforeWorkflow(stack: TerraformStack, state: WorkflowState, guarded: TerraformResource): void {
  const names = `\${join(", ", ${state.notApplied})}`;
  const reviewPlan = new TerraformVariable(stack, REVIEW_PLAN_VARIABLE, {
    type: "bool",
    default: false,
    nullable: false,
    description:
      "true only in a plan for review, never to apply: lets the plan go on while the workflow stack has no state machine yet for a workflow (a placeholder in account 000000000000 stands in), with a warning",
  });
  stack.addOverride(`check.${WORKFLOW_APPLIED_CHECK}`, {
    assert: [
      {
        condition: `\${length(${state.notApplied}) == 0}`,
        error_message: `for review only: the workflow stack's state has no state machine for ${names} yet, so this plan shows placeholders in account 000000000000, and applying api is refused until workflow is applied (npx cdktf deploy workflow)`,
      },
    ],
  });
  guarded.lifecycle = {
    ...guarded.lifecycle,
    precondition: [
      ...(guarded.lifecycle?.precondition ?? []),
      {
        condition: `\${var.${reviewPlan.friendlyUniqueId} || length(${state.notApplied}) == 0}`,
        errorMessage: `apply the workflow stack first: its state has no state machine for ${names} yet, so this api would call placeholders in account 000000000000 (npx cdktf deploy workflow)`,
      },
    ],
  };
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
