import { LOCAL_ACCOUNT, type SynthesizedApp, synthesizedApis, SynthesizedStack } from "../../local/synthesized";
import type { StepgateConfig } from "../../stacks/config/load";
import { configWith, synthApi } from "./stacks";

/** The state machine ARN the tests pretend the workflow stack's state holds. */
export const STATE_MACHINE_ARN = `arn:aws:states:us-east-1:${LOCAL_ACCOUNT}:stateMachine:stepgate-workflow`;

/**
 * Both APIs of the synthesized api stack, their mapping templates exactly as AWS receives them
 * (evaluated as Terraform does), read by the local gateway's own reader.
 */
export function deployedApis(config: StepgateConfig = configWith()): Pick<SynthesizedApp, "websocket" | "rest"> {
  return synthesizedApis(new SynthesizedStack(synthApi(config)), STATE_MACHINE_ARN);
}
