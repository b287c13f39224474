import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import type { StepgateConfig } from "./config/load";
import { RestApi } from "./constructs/rest-api";
import { StartSyncExecutionRole, startSyncExecutionUri } from "./constructs/start-sync-execution-role";
import { UsagePlan } from "./constructs/usage-plan";
import { WebSocketApi } from "./constructs/websocket-api";
import type { StackId } from "./stack-ids";
import { StepgateStack } from "./stepgate-stack";
import { readWorkflowState } from "./workflow-state";

/** Names of the api stack's outputs. */
export const API_OUTPUTS = {
  websocketUrl: "websocket_url",
  restInvokeUrl: "rest_invoke_url",
  apiKeyId: "api_key_id",
  apiKeyValue: "api_key_value",
} as const;

export interface ApiStackProps {
  readonly config: StepgateConfig;
}

/** The WebSocket and REST APIs in front of the workflow stack's state machines. */
export class ApiStack extends StepgateStack {
  readonly webSocketApi: WebSocketApi;
  readonly restApi: RestApi;
  readonly usagePlan: UsagePlan;

  constructor(scope: Construct, id: StackId, { config }: ApiStackProps) {
    super(scope, id, { config });
    const { names } = config;
    // The state machine comes from the workflow stack's state: this stack neither creates nor
    // looks it up. Until the workflow is applied (a first plan on a new backend), a placeholder in
    // account 000000000000 stands in, plainly visible in the plan.
    const { stateMachineArn, stateMachineArns: workflows } = readWorkflowState(this, config);
    const partition = new DataAwsPartition(this, "partition");
    const integrationUri = startSyncExecutionUri(partition.partition, config.region);

    const role = new StartSyncExecutionRole(this, "start_sync_execution", {
      name: names.startSyncExecutionRole,
      stateMachineArns: [stateMachineArn, ...workflows.map((w) => w.stateMachineArn)],
    });
    const common = {
      integrationUri,
      credentialsArn: role.role.arn,
      stateMachineArn,
      workflows,
      logRetentionDays: config.logRetentionDays,
      logKmsKeyId: this.logsKmsKeyArn,
      stageDependsOn: [role.policy],
    };

    this.webSocketApi = new WebSocketApi(this, "websocket", {
      ...common,
      name: names.websocketApi,
      stageName: config.wsStage,
      rateLimit: config.wsRateLimit,
      burstLimit: config.wsBurstLimit,
      connectAuth: config.wsConnectAuth,
      accessLogGroupName: names.websocketAccessLogGroup,
    });

    this.restApi = new RestApi(this, "rest", {
      ...common,
      name: names.restApi,
      stageName: config.restStage,
      sendApiKeyValue: config.sendApiKeyValue,
      rateLimit: config.restRateLimit,
      burstLimit: config.restBurstLimit,
      accessLogGroupName: names.restAccessLogGroup,
    });

    const stages = [{ apiId: this.restApi.api.id, stage: this.restApi.stage.stageName }];
    if (config.wsConnectAuth === "API_KEY") {
      stages.push({ apiId: this.webSocketApi.api.id, stage: this.webSocketApi.stage.name });
    }
    this.usagePlan = new UsagePlan(this, "usage_plan", {
      name: names.usagePlan,
      stages,
      rateLimit: config.restRateLimit,
      burstLimit: config.restBurstLimit,
      quotaLimit: config.quotaLimit,
      quotaPeriod: config.quotaPeriod,
    });

    new TerraformOutput(this, API_OUTPUTS.websocketUrl, {
      value: this.webSocketApi.stage.invokeUrl,
      description: "WebSocket URL to connect to (wscat -c <url>)",
    });
    new TerraformOutput(this, API_OUTPUTS.restInvokeUrl, {
      value: this.restApi.stage.invokeUrl,
      description: "REST URL to POST JSON to, with the x-api-key header",
    });
    new TerraformOutput(this, API_OUTPUTS.apiKeyId, {
      value: this.usagePlan.apiKey.id,
      description: "Id of the API key (its value is the sensitive output api_key_value)",
    });
    new TerraformOutput(this, API_OUTPUTS.apiKeyValue, {
      value: this.usagePlan.apiKey.value,
      sensitive: true,
      description: "Value of the API key: terraform output -raw api_key_value",
    });
  }
}
