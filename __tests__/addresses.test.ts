import { Testing } from "cdktf";
import { ApiGatewayAccountStack } from "../stacks/api-gateway-account-stack";
import { configWith, parse, synthApi, synthWorkflow, testApp } from "./support/stacks";

/**
 * Every resource's Terraform address, pinned. Terraform knows resources by address: a refactor
 * that changes one (a renamed construct, a resource moved into another) makes every deployed copy
 * destroy and recreate it, an API with a new URL, a state machine with its history gone. If this
 * test fails, keep the old address (overrideLogicalId) or move the state (moveFromId / a moved
 * block), and only then update the list.
 */
const addresses = (synthesized: string) =>
  Object.entries(parse(synthesized).resource)
    .flatMap(([type, block]) => Object.keys(block).map((id) => `${type}.${id}`))
    .sort();

describe("Terraform addresses", () => {
  it("of the workflow stack", () => {
    expect(addresses(synthWorkflow())).toEqual([
      "aws_cloudwatch_log_group.log_group",
      "aws_iam_role.role",
      "aws_iam_role_policy.role_policy",
      "aws_sfn_state_machine.state_machine",
    ]);
  });

  it("of the api stack, $connect authorization included", () => {
    expect(addresses(synthApi(configWith({ STEPGATE_WS_CONNECT_AUTH: "AWS_IAM" })))).toEqual([
      "aws_api_gateway_api_key.usage_plan_key_8F8B8187",
      "aws_api_gateway_deployment.rest_deployment_7A40EB2A",
      "aws_api_gateway_integration.rest_integration_6556E536",
      "aws_api_gateway_integration_response.rest_integration_response_execution_C043DF6D",
      "aws_api_gateway_integration_response.rest_integration_response_refused_61508850",
      "aws_api_gateway_integration_response.rest_integration_response_unavailable_D1C09AB0",
      "aws_api_gateway_method.rest_method_645D6AF2",
      "aws_api_gateway_method_response.rest_method_response_200_76E5B281",
      "aws_api_gateway_method_response.rest_method_response_400_4BB387B2",
      "aws_api_gateway_method_response.rest_method_response_429_0500F0E0",
      "aws_api_gateway_method_response.rest_method_response_500_78FECB4C",
      "aws_api_gateway_method_response.rest_method_response_502_BE63323F",
      "aws_api_gateway_method_response.rest_method_response_504_785C67E5",
      "aws_api_gateway_method_settings.rest_method_settings_9FD31C4B",
      "aws_api_gateway_model.rest_model_B1563604",
      "aws_api_gateway_request_validator.rest_validator_2FAD90AD",
      "aws_api_gateway_rest_api.rest_api_857A4092",
      "aws_api_gateway_stage.rest_stage_63DDDE7F",
      "aws_api_gateway_usage_plan.usage_plan_C13E1CAD",
      "aws_api_gateway_usage_plan_key.usage_plan_plan_key_CD83AB33",
      "aws_apigatewayv2_api.websocket_api_821B65E4",
      "aws_apigatewayv2_deployment.websocket_deployment_37958E80",
      "aws_apigatewayv2_integration.websocket_connect_integration_9131557E",
      "aws_apigatewayv2_integration.websocket_default_integration_368032D3",
      "aws_apigatewayv2_integration_response.websocket_default_integration_response_15BB1442",
      "aws_apigatewayv2_route.websocket_connect_route_D9838AF6",
      "aws_apigatewayv2_route.websocket_default_route_928C99DE",
      "aws_apigatewayv2_route_response.websocket_default_route_response_00D65C19",
      "aws_apigatewayv2_stage.websocket_stage_63485756",
      "aws_cloudwatch_log_group.rest_access_logs_E8A3496A",
      "aws_cloudwatch_log_group.rest_execution_logs_B57A67FB",
      "aws_cloudwatch_log_group.websocket_access_logs_7ED791C9",
      "aws_cloudwatch_log_group.websocket_execution_logs_6F6AD02B",
      "aws_iam_role.start_sync_execution_role_B8A7B774",
      "aws_iam_role_policy.start_sync_execution_policy_E8D21C69",
    ]);
  });

  it("of the apigw-account stack", () => {
    const stack = new ApiGatewayAccountStack(testApp(), "apigw-account", { config: configWith() });
    expect(addresses(Testing.synth(stack))).toEqual(["aws_api_gateway_account.account", "aws_iam_role.role", "aws_iam_role_policy_attachment.role_policy"]);
  });

  it("of the KMS keys, when STEPGATE_LOG_KMS_KEY=create", () => {
    const config = configWith({ STEPGATE_LOG_KMS_KEY: "create" });
    const keys = (synthesized: string) => addresses(synthesized).filter((a) => a.startsWith("aws_kms_"));
    expect(keys(synthWorkflow(config))).toEqual(["aws_kms_alias.logs_key_alias_3A97F619", "aws_kms_key.logs_key_514BF2D1"]);
    expect(keys(synthApi(config))).toEqual(["aws_kms_alias.logs_key_alias_3A97F619", "aws_kms_key.logs_key_514BF2D1"]);
  });

  it("of the data source that reads the workflow's state, whatever the backend (s3 adds the listing of its key)", () => {
    const remoteStates = (env: Record<string, string>) =>
      Object.entries(parse(synthApi(configWith(env))).data)
        .flatMap(([type, block]) => Object.keys(block).map((id) => `data.${type}.${id}`))
        .filter((a) => a.startsWith("data.terraform_remote_state.") || a.startsWith("data.aws_s3_objects."));
    expect(remoteStates({})).toEqual(["data.terraform_remote_state.workflow"]);
    expect(remoteStates({ STEPGATE_BACKEND: "cloud", STEPGATE_TFC_ORGANIZATION: "acme" })).toEqual(["data.terraform_remote_state.workflow"]);
    expect(remoteStates({ STEPGATE_BACKEND: "s3", STEPGATE_S3_BUCKET: "acme-state" }).sort()).toEqual([
      "data.aws_s3_objects.workflow_state",
      "data.terraform_remote_state.workflow",
    ]);
  });

  describe("with STEPGATE_WORKFLOWS: the default workflow's as without it, each other one's under workflow_<name>", () => {
    const several = configWith({ STEPGATE_WORKFLOWS: "orders=templates/workflow.asl.json,refunds-eu=templates/workflow.asl.json" });
    const added = (synthesized: string, without: string) => addresses(synthesized).filter((a) => !addresses(without).includes(a));

    it("keeps every address of the default settings", () => {
      expect(addresses(synthWorkflow(several))).toEqual(expect.arrayContaining(addresses(synthWorkflow())));
      expect(addresses(synthApi(several))).toEqual(expect.arrayContaining(addresses(synthApi())));
    });

    it("of the workflow stack's new resources and data sources", () => {
      expect(added(synthWorkflow(several), synthWorkflow())).toEqual([
        "aws_cloudwatch_log_group.workflow_orders_log_group_059428CA",
        "aws_cloudwatch_log_group.workflow_refunds-eu_log_group_C420F086",
        "aws_iam_role.workflow_orders_role_DAD7C4C7",
        "aws_iam_role.workflow_refunds-eu_role_04074495",
        "aws_iam_role_policy.workflow_orders_role_policy_DDFF900C",
        "aws_iam_role_policy.workflow_refunds-eu_role_policy_341A8FA8",
        "aws_sfn_state_machine.workflow_orders_state_machine_73219751",
        "aws_sfn_state_machine.workflow_refunds-eu_state_machine_BBCE5BE9",
      ]);
      expect(Object.keys(parse(synthWorkflow(several)).data.aws_iam_policy_document).sort()).toEqual([
        "assume_role",
        "permissions",
        "workflow_orders_assume_role_75F60CE8",
        "workflow_refunds-eu_assume_role_13FBDF02",
      ]);
    });

    it("of the api stack's new resources", () => {
      expect(added(synthApi(several), synthApi())).toEqual([
        "aws_api_gateway_integration.rest_workflow_orders_integration_E8A62F06",
        "aws_api_gateway_integration.rest_workflow_refunds-eu_integration_7AF103F2",
        "aws_api_gateway_integration_response.rest_workflow_orders_integration_response_execution_62B365E9",
        "aws_api_gateway_integration_response.rest_workflow_orders_integration_response_refused_67B75BF0",
        "aws_api_gateway_integration_response.rest_workflow_orders_integration_response_unavailable_982D9BA5",
        "aws_api_gateway_integration_response.rest_workflow_refunds-eu_integration_response_execution_A09168BE",
        "aws_api_gateway_integration_response.rest_workflow_refunds-eu_integration_response_refused_ECDBB39F",
        "aws_api_gateway_integration_response.rest_workflow_refunds-eu_integration_response_unavailable_BC6AEEA1",
        "aws_api_gateway_method.rest_workflow_orders_method_E7B7CB34",
        "aws_api_gateway_method.rest_workflow_refunds-eu_method_9A7BCDF3",
        "aws_api_gateway_method_response.rest_workflow_orders_method_response_200_23275F51",
        "aws_api_gateway_method_response.rest_workflow_orders_method_response_400_09B344DA",
        "aws_api_gateway_method_response.rest_workflow_orders_method_response_429_EFF23E71",
        "aws_api_gateway_method_response.rest_workflow_orders_method_response_500_B7CCE419",
        "aws_api_gateway_method_response.rest_workflow_orders_method_response_502_0CF6A49E",
        "aws_api_gateway_method_response.rest_workflow_orders_method_response_504_2B1C0C48",
        "aws_api_gateway_method_response.rest_workflow_refunds-eu_method_response_200_EAA0D402",
        "aws_api_gateway_method_response.rest_workflow_refunds-eu_method_response_400_99AC8E31",
        "aws_api_gateway_method_response.rest_workflow_refunds-eu_method_response_429_EFB27B5E",
        "aws_api_gateway_method_response.rest_workflow_refunds-eu_method_response_500_0EC6A37E",
        "aws_api_gateway_method_response.rest_workflow_refunds-eu_method_response_502_EEBDC9E8",
        "aws_api_gateway_method_response.rest_workflow_refunds-eu_method_response_504_999D6259",
        "aws_api_gateway_resource.rest_workflow_orders_resource_9B5B7389",
        "aws_api_gateway_resource.rest_workflow_refunds-eu_resource_B9796828",
        "aws_apigatewayv2_integration.websocket_workflow_orders_integration_D87A714F",
        "aws_apigatewayv2_integration.websocket_workflow_refunds-eu_integration_431F8269",
        "aws_apigatewayv2_integration_response.websocket_workflow_orders_integration_response_81196207",
        "aws_apigatewayv2_integration_response.websocket_workflow_refunds-eu_integration_response_01B4BAEC",
        "aws_apigatewayv2_route.websocket_workflow_orders_route_DF3B3CB5",
        "aws_apigatewayv2_route.websocket_workflow_refunds-eu_route_7F05A8A3",
        "aws_apigatewayv2_route_response.websocket_workflow_orders_route_response_D3342201",
        "aws_apigatewayv2_route_response.websocket_workflow_refunds-eu_route_response_7701071D",
      ]);
    });
  });

  it("do not depend on the settings", () => {
    const custom = configWith({
      STEPGATE_PREFIX: "other",
      STEPGATE_REGION: "eu-west-1",
      STEPGATE_REST_STAGE: "v2",
      STEPGATE_BACKEND: "s3",
      STEPGATE_S3_BUCKET: "acme-state",
    });
    expect(addresses(synthWorkflow(custom))).toEqual(addresses(synthWorkflow()));
    expect(addresses(synthApi(custom))).toEqual(addresses(synthApi()));
  });
});
