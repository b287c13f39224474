import { StepgateConfig } from "../../stacks/config";
import { configWith, resources, synthApi } from "./stacks";
import { evaluateTerraformString } from "../../stacks/local/terraform-string";

/** The state machine ARN the tests pretend the workflow stack's state holds. */
export const STATE_MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:stepgate-workflow";

const VALUES = { "local.workflow_state_machine_arn": STATE_MACHINE_ARN };

/** The mapping templates exactly as AWS receives them: taken from the synthesized api stack, evaluated as Terraform does. */
export interface DeployedTemplates {
  readonly websocketRequest: string;
  /** Present when `$connect` requires authorization. */
  readonly websocketConnect?: string;
  readonly restRequest: string;
  /** Integration response templates by selection pattern ("" for the default response). */
  readonly restResponses: Readonly<Record<string, { statusCode: string; template: string }>>;
}

export function deployedTemplates(config: StepgateConfig = configWith()): DeployedTemplates {
  const api = synthApi(config);
  const evaluate = (text: string) => evaluateTerraformString(text, VALUES);
  const wsIntegrations = resources(api, "aws_apigatewayv2_integration");
  const ws = (type: string) => wsIntegrations.find((i) => i.props.integration_type === type)?.props.request_templates.$default;
  const connect = ws("MOCK");
  const [restIntegration] = resources(api, "aws_api_gateway_integration");
  return {
    websocketRequest: evaluate(ws("AWS")),
    websocketConnect: connect === undefined ? undefined : evaluate(connect),
    restRequest: evaluate(restIntegration.props.request_templates["application/json"]),
    restResponses: Object.fromEntries(
      resources(api, "aws_api_gateway_integration_response").map(({ props }) => [
        props.selection_pattern ?? "",
        { statusCode: props.status_code, template: evaluate(props.response_templates["application/json"]) },
      ]),
    ),
  };
}
