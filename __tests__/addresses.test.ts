import { Testing } from "cdktf";
import { ApiGatewayAccountStack } from "../stacks/api-gateway-account-stack";
import { schemaSettings } from "./support/input-contracts";
import { configWith, parse, synthApi, synthWorkflow, testApp } from "./support/stacks";
import { temporaryFolder } from "./support/temporary-folders";

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
      "aws_cloudwatch_dashboard.monitoring_dashboard_4CE328EF",
      "aws_cloudwatch_log_group.rest_access_logs_E8A3496A",
      "aws_cloudwatch_log_group.rest_execution_logs_B57A67FB",
      "aws_cloudwatch_log_group.websocket_access_logs_7ED791C9",
      "aws_cloudwatch_log_group.websocket_execution_logs_6F6AD02B",
      "aws_cloudwatch_metric_alarm.monitoring_rest_5xx_F33237F2",
      "aws_cloudwatch_metric_alarm.monitoring_rest_latency_p99_B53B6091",
      "aws_cloudwatch_metric_alarm.monitoring_throttled_F3C38968",
      "aws_cloudwatch_metric_alarm.monitoring_websocket_execution_errors_E09E7660",
      "aws_cloudwatch_metric_alarm.monitoring_websocket_integration_errors_5EDCB014",
      "aws_cloudwatch_metric_alarm.monitoring_workflow_failed_2F18792F",
      "aws_cloudwatch_metric_alarm.monitoring_workflow_timed_out_774C194C",
      "aws_iam_role.start_sync_execution_role_B8A7B774",
      "aws_iam_role_policy.start_sync_execution_policy_E8D21C69",
      "aws_kms_alias.alarm_topic_alias_B87AE295",
      "aws_kms_key.alarm_topic_key_592FA980",
      "aws_sns_topic.alarm_topic_3AE246C5",
      "aws_sns_topic_policy.alarm_topic_policy_75FBA315",
    ]);
  });

  it("of the apigw-account stack", () => {
    const stack = new ApiGatewayAccountStack(testApp(), "apigw-account", { config: configWith() });
    expect(addresses(Testing.synth(stack))).toEqual([
      "aws_api_gateway_account.account",
      "aws_iam_role.role",
      "aws_iam_role_policy_attachment.role_policy",
    ]);
  });

  it("of the KMS keys, when STEPGATE_LOG_KMS_KEY=create", () => {
    const config = configWith({ STEPGATE_LOG_KMS_KEY: "create" });
    const keys = (synthesized: string) => addresses(synthesized).filter((a) => a.startsWith("aws_kms_"));
    expect(keys(synthWorkflow(config))).toEqual(["aws_kms_alias.logs_key_alias_3A97F619", "aws_kms_key.logs_key_514BF2D1"]);
    // The alarm topic's key (STEPGATE_MONITORING, on by default) joined the logs key: added, none moved.
    expect(keys(synthApi(config))).toEqual([
      "aws_kms_alias.alarm_topic_alias_B87AE295",
      "aws_kms_alias.logs_key_alias_3A97F619",
      "aws_kms_key.alarm_topic_key_592FA980",
      "aws_kms_key.logs_key_514BF2D1",
    ]);
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

  it("of the api stack's review variable (CI and the docs set TF_VAR_review_plan) and its check block", () => {
    const api = parse(synthApi()) as unknown as { variable: object; check: object };
    expect(Object.keys(api.variable)).toEqual(["review_plan"]);
    expect(Object.keys(api.check)).toEqual(["workflow_applied"]);
    expect(Object.keys((parse(synthWorkflow()) as unknown as { variable?: object }).variable ?? {})).toEqual([]);
  });

  it("of the alarm e-mail subscriptions, each named after its address", () => {
    const api = addresses(synthApi(configWith({ STEPGATE_ALARM_EMAILS: "ops@example.com" })));
    expect(api.filter((a) => a.startsWith("aws_sns_topic_subscription."))).toEqual(["aws_sns_topic_subscription.alarm_topic_email_opsexamplecom_357F8E6D"]);
  });

  it("of the CORS resources, when STEPGATE_CORS_ORIGINS is set (several origins: no gateway responses)", () => {
    const defaults = addresses(synthApi());
    const cors = (env: Record<string, string>) => addresses(synthApi(configWith(env))).filter((a) => !defaults.includes(a));
    const preflight = [
      "aws_api_gateway_integration.rest_cors_root_integration_DD35E52F",
      "aws_api_gateway_integration_response.rest_cors_root_integration_response_25FC4E81",
      "aws_api_gateway_method.rest_cors_root_method_7503526F",
      "aws_api_gateway_method_response.rest_cors_root_method_response_0971DAFD",
    ];
    expect(cors({ STEPGATE_CORS_ORIGINS: "*" })).toEqual([
      "aws_api_gateway_gateway_response.rest_cors_gateway_response_default_4xx_964C18C7",
      "aws_api_gateway_gateway_response.rest_cors_gateway_response_default_5xx_C2C5F344",
      ...preflight,
    ]);
    expect(cors({ STEPGATE_CORS_ORIGINS: "https://a.example.com,https://b.example.com" })).toEqual(preflight);
    expect(addresses(synthApi(configWith({ STEPGATE_CORS_ORIGINS: "*" })))).toEqual(expect.arrayContaining(defaults));
  });

  it("of the custom domains (in a zone, or with a certificate) and the web ACL association", () => {
    const defaults = addresses(synthApi());
    const added = (env: Record<string, string>) => addresses(synthApi(configWith(env))).filter((a) => !defaults.includes(a));
    const names = { STEPGATE_REST_DOMAIN_NAME: "api.example.com", STEPGATE_WS_DOMAIN_NAME: "ws.example.com" };
    const domains = [
      "aws_api_gateway_base_path_mapping.custom_domains_rest_mapping_37C0480E",
      "aws_api_gateway_domain_name.custom_domains_rest_domain_D5770E0D",
      "aws_apigatewayv2_api_mapping.custom_domains_websocket_mapping_C50E27DF",
      "aws_apigatewayv2_domain_name.custom_domains_websocket_domain_5BF24274",
    ];
    expect(added({ ...names, STEPGATE_HOSTED_ZONE_ID: "Z0123456789ABC" })).toEqual(
      [
        "aws_acm_certificate.custom_domains_certificate_E6F5430F",
        "aws_acm_certificate_validation.custom_domains_certificate_validation_2039EB6F",
        ...domains,
        "aws_route53_record.custom_domains_certificate_validation_record_7FB99F9E",
        "aws_route53_record.custom_domains_rest_alias_73443011",
        "aws_route53_record.custom_domains_websocket_alias_7017ACE9",
      ].sort(),
    );
    expect(added({ ...names, STEPGATE_CERTIFICATE_ARN: "arn:aws:acm:us-east-1:123456789012:certificate/0000" })).toEqual(domains);
    expect(added({ STEPGATE_REST_WAF_ACL_ARN: "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/acl/0000" })).toEqual([
      "aws_wafv2_web_acl_association.rest_waf_association_4B088E6F",
    ]);
  });

  it("of the Cognito authorizer, when STEPGATE_REST_AUTH=COGNITO (AWS_IAM adds nothing)", () => {
    const defaults = addresses(synthApi());
    const added = (env: Record<string, string>) => addresses(synthApi(configWith(env))).filter((a) => !defaults.includes(a));
    const pool = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC123";
    expect(added({ STEPGATE_REST_AUTH: "COGNITO", STEPGATE_COGNITO_USER_POOL_ARNS: pool })).toEqual([
      "aws_api_gateway_authorizer.rest_auth_cognito_authorizer_4685434C",
    ]);
    expect(added({ STEPGATE_REST_AUTH: "AWS_IAM", STEPGATE_REST_API_KEY_REQUIRED: "false" })).toEqual([]);
    expect(addresses(synthApi(configWith({ STEPGATE_REST_AUTH: "AWS_IAM" })))).toEqual(defaults);
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
        "aws_cloudwatch_metric_alarm.monitoring_orders_failed_BDC207BA",
        "aws_cloudwatch_metric_alarm.monitoring_orders_timed_out_7F65EF1F",
        "aws_cloudwatch_metric_alarm.monitoring_refunds-eu_failed_B323B891",
        "aws_cloudwatch_metric_alarm.monitoring_refunds-eu_timed_out_BA9D79AA",
      ]);
    });
  });

  it("do not depend on the settings", () => {
    const custom = configWith({ STEPGATE_PREFIX: "other", STEPGATE_REGION: "eu-west-1", STEPGATE_REST_STAGE: "v2", STEPGATE_BACKEND: "s3", STEPGATE_S3_BUCKET: "acme-state" });
    expect(addresses(synthWorkflow(custom))).toEqual(addresses(synthWorkflow()));
    expect(addresses(synthApi(custom))).toEqual(addresses(synthApi()));
  });

  it("of the async workflows' resources: a workflow made async only adds, and moves or removes nothing", () => {
    const sync = { STEPGATE_WORKFLOWS: "orders=templates/workflow.asl.json" };
    const async = { ...sync, STEPGATE_ASYNC_WORKFLOWS: "workflow,orders", STEPGATE_STANDARD_WORKFLOWS: "orders" };
    const added = (synth: (config: ReturnType<typeof configWith>) => string) => {
      const [before, after] = [addresses(synth(configWith(sync))), addresses(synth(configWith(async)))];
      return { added: after.filter((a) => !before.includes(a)), gone: before.filter((a) => !after.includes(a)) };
    };
    expect(added(synthWorkflow)).toEqual({
      added: [
        "aws_cloudwatch_log_group.runner_log_group_D5DA575D",
        "aws_iam_role.runner_role_AFAFDF53",
        "aws_iam_role_policy.runner_role_policy_6729A935",
        "aws_iam_role_policy.runner_run_workflows_0D4D8672",
        "aws_sfn_state_machine.runner_state_machine_4F9A9651",
      ],
      gone: [],
    });
    expect(added(synthApi)).toEqual({
      added: [
        "aws_api_gateway_integration.rest_executions_integration_1E0C54F1",
        "aws_api_gateway_integration_response.rest_executions_integration_response_described_3D7B707A",
        "aws_api_gateway_integration_response.rest_executions_integration_response_refused_9A788304",
        "aws_api_gateway_integration_response.rest_executions_integration_response_unavailable_AEB55CB5",
        "aws_api_gateway_method.rest_executions_method_16474292",
        "aws_api_gateway_method_response.rest_executions_method_response_200_FDACA7D5",
        "aws_api_gateway_method_response.rest_executions_method_response_202_1FCBD079",
        "aws_api_gateway_method_response.rest_executions_method_response_404_E9019415",
        "aws_api_gateway_method_response.rest_executions_method_response_429_DF4B83BC",
        "aws_api_gateway_method_response.rest_executions_method_response_500_1F13688C",
        "aws_api_gateway_method_response.rest_executions_method_response_502_3184DEA3",
        "aws_api_gateway_method_response.rest_executions_method_response_504_865A0043",
        "aws_api_gateway_method_response.rest_method_response_202_E2654BE2",
        "aws_api_gateway_method_response.rest_workflow_orders_method_response_202_3599F6A0",
        "aws_api_gateway_resource.rest_executions_id_resource_C1623F59",
        "aws_api_gateway_resource.rest_executions_resource_09E28A47",
        "aws_cloudwatch_metric_alarm.monitoring_runner_deliveries_failed_FDEAA1EC",
        "aws_cloudwatch_metric_alarm.monitoring_runner_executions_failed_F87DF73A",
        "aws_iam_role_policy.runner_reply",
      ],
      gone: [],
    });
  });
});

describe("Terraform addresses, input contracts", () => {
  it("of the input contracts' resources: schemas only add, and move or remove nothing (the workflow stack gains nothing)", () => {
    const folder = temporaryFolder("addresses");
    const sync = { STEPGATE_WORKFLOWS: "orders=templates/workflow.asl.json" };
    const withSchemas = schemaSettings(folder);
    const [before, after] = [addresses(synthApi(configWith(sync))), addresses(synthApi(configWith(withSchemas)))];
    expect({ added: after.filter((a) => !before.includes(a)), gone: before.filter((a) => !after.includes(a)) }).toEqual({
      added: [
        "aws_api_gateway_gateway_response.rest_gateway_response_bad_request_body_7B4DD407",
        "aws_api_gateway_model.rest_input_model_A32775AE",
        "aws_api_gateway_model.rest_workflow_orders_input_model_42983775",
        "aws_apigatewayv2_model.websocket_default_input_model_40583ABB",
        "aws_apigatewayv2_model.websocket_workflow_orders_input_model_7EE85833",
      ],
      gone: [],
    });
    expect(addresses(synthWorkflow(configWith(withSchemas)))).toEqual(addresses(synthWorkflow(configWith(sync))));
  });
});
