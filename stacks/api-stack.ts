import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Fn, TerraformLocal, TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import type { StepgateConfig } from "./config/load";
import { DEFAULT_WORKFLOW } from "./config/names";
import { AlarmTopic } from "./constructs/alarm-topic";
import { Monitoring } from "./constructs/monitoring";
import { CustomDomains } from "./constructs/custom-domains";
import { RestApi } from "./constructs/rest-api";
import { RestWaf } from "./constructs/rest-waf";
import type { AsyncRunner, WorkflowRoute } from "./constructs/stage";
import { StartSyncExecutionRole, startSyncExecutionUri, stepFunctionsActionUri } from "./constructs/start-sync-execution-role";
import { UsagePlan } from "./constructs/usage-plan";
import { WebSocketApi } from "./constructs/websocket-api";
import type { StackId } from "./stack-ids";
import { StepgateStack } from "./stepgate-stack";
import { readWorkflowState, refuseApplyBeforeWorkflow } from "./workflow-state";

/** Names of the api stack's outputs. */
export const API_OUTPUTS = {
  websocketUrl: "websocket_url",
  restInvokeUrl: "rest_invoke_url",
  apiKeyId: "api_key_id",
  apiKeyValue: "api_key_value",
  dashboardUrl: "dashboard_url",
  restCustomUrl: "rest_custom_url",
  websocketCustomUrl: "websocket_custom_url",
  restCustomDomainTarget: "rest_custom_domain_target",
  websocketCustomDomainTarget: "websocket_custom_domain_target",
} as const;

export interface ApiStackProps {
  readonly config: StepgateConfig;
}

/** The WebSocket and REST APIs in front of the workflow stack's state machines. */
export class ApiStack extends StepgateStack {
  readonly webSocketApi: WebSocketApi;
  readonly restApi: RestApi;
  readonly usagePlan: UsagePlan;
  readonly customDomains?: CustomDomains;

  constructor(scope: Construct, id: StackId, { config }: ApiStackProps) {
    super(scope, id, { config });
    const { names } = config;
    // The state machine comes from the workflow stack's state: this stack neither creates nor
    // looks it up. Until the workflow is applied (a first plan on a new backend), a placeholder in
    // account 000000000000 stands in, plainly visible in the plan, which only a review may make.
    const workflowState = readWorkflowState(this, config);
    const { stateMachineArn, runnerArn } = workflowState;
    const configured = (name: string) => config.workflows.find((w) => w.name === name);
    const isAsync = (name: string) => configured(name)?.async === true;
    const workflows: WorkflowRoute[] = workflowState.stateMachineArns.map((w) => {
      const { async, schema } = configured(w.name) ?? {};
      return { ...w, ...(async ? { async: true } : {}), ...(schema === undefined ? {} : { schema }) };
    });
    const partition = new DataAwsPartition(this, "partition");
    const integrationUri = startSyncExecutionUri(partition.partition, config.region);
    const runner: AsyncRunner | undefined =
      runnerArn === undefined
        ? undefined
        : {
            stateMachineArn: runnerArn,
            // A Standard execution's ARN is its state machine's, execution: for stateMachine:, then its name.
            executionArnPrefix: new TerraformLocal(this, "runner_execution_arn_prefix", `${Fn.replace(runnerArn, ":stateMachine:", ":execution:")}:`).asString,
            startExecutionUri: stepFunctionsActionUri(partition.partition, config.region, "StartExecution"),
            describeExecutionUri: stepFunctionsActionUri(partition.partition, config.region, "DescribeExecution"),
          };

    // API Gateway starts the synchronous workflows itself, and the async ones through the runner only.
    const defaultAsync = isAsync(config.workflows[0].name);
    const role = new StartSyncExecutionRole(this, "start_sync_execution", {
      name: names.startSyncExecutionRole,
      stateMachineArns: [...(defaultAsync ? [] : [stateMachineArn]), ...workflows.filter((w) => !w.async).map((w) => w.stateMachineArn)],
      runner,
    });
    // The policy that names every state machine: refused while one is a placeholder.
    refuseApplyBeforeWorkflow(this, workflowState, role.policy);
    const common = {
      integrationUri,
      credentialsArn: role.role.arn,
      stateMachineArn,
      async: defaultAsync || undefined,
      schema: config.workflows[0].schema,
      runner,
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
      corsOrigins: config.corsOrigins,
      auth: {
        mode: config.restAuth,
        apiKeyRequired: config.restApiKeyRequired,
        userPoolArns: config.cognitoUserPoolArns,
        scopes: config.cognitoScopes,
      },
      rateLimit: config.restRateLimit,
      burstLimit: config.restBurstLimit,
      timeoutMs: config.restTimeoutMs,
      accessLogGroupName: names.restAccessLogGroup,
    });
    if (runner) this.allowRunnerToReply(config, partition.partition);

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

    if (config.restWafAclArn !== undefined) {
      new RestWaf(this, "rest_waf", { webAclArn: config.restWafAclArn, stageArn: this.restApi.stage.arn });
    }
    this.customDomains = this.addCustomDomains(config);

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

    if (config.monitoring === "on") {
      this.monitor(config, [{ name: DEFAULT_WORKFLOW, arn: stateMachineArn }, ...workflows.map((w) => ({ name: w.name, arn: w.stateMachineArn }))], runnerArn);
    }
  }

  /**
   * The runner's role may post result frames to this API's stage, and to no other: the grant is
   * here, as only this stack knows the WebSocket API (the workflow stack, which made the role, is
   * applied first and never reads this one).
   */
  private allowRunnerToReply(config: StepgateConfig, partition: string): void {
    const account = new DataAwsCallerIdentity(this, "account");
    const reply = new DataAwsIamPolicyDocument(this, "runner_reply_permissions", {
      statement: [
        {
          effect: "Allow",
          actions: ["execute-api:ManageConnections"],
          resources: [
            `arn:${partition}:execute-api:${config.region}:${account.accountId}:${this.webSocketApi.api.id}/${this.webSocketApi.stage.name}/POST/@connections/*`,
          ],
        },
      ],
    });
    new IamRolePolicy(this, "runner_reply", { name: `reply-over-${config.names.websocketApi}`, role: config.names.runnerRole, policy: reply.json });
  }

  /** The dashboard and alarms (STEPGATE_MONITORING), and the topic they notify. */
  private monitor(config: StepgateConfig, stateMachines: ReadonlyArray<{ name: string; arn: string }>, runnerArn: string | undefined): void {
    const topicArn =
      config.alarmTopicArn ??
      new AlarmTopic(this, "alarm_topic", { name: config.names.alarmTopic, region: config.region, emails: config.alarmEmails }).topic.arn;
    const monitoring = new Monitoring(this, "monitoring", {
      name: config.names.dashboard,
      region: config.region,
      rest: { apiName: config.names.restApi, stage: config.restStage, url: this.restApi.stage.invokeUrl, timeoutMs: config.restTimeoutMs },
      webSocket: { apiId: this.webSocketApi.api.id, stage: config.wsStage, url: this.webSocketApi.stage.invokeUrl },
      stateMachines,
      runner: runnerArn === undefined ? undefined : { name: config.names.runnerStateMachine, arn: runnerArn },
      thresholds: {
        rest5xx: config.alarmRest5xx,
        restLatencyP99Ms: config.alarmRestLatencyP99Ms,
        webSocketErrors: config.alarmWebSocketErrors,
        executionsFailed: config.alarmExecutionsFailed,
        executionsTimedOut: config.alarmExecutionsTimedOut,
        throttled: config.alarmThrottled,
      },
      topicArn,
    });
    new TerraformOutput(this, API_OUTPUTS.dashboardUrl, {
      value: `https://${config.region}.console.aws.amazon.com/cloudwatch/home?region=${config.region}#dashboards:name=${monitoring.dashboard.dashboardName}`,
      description: "The CloudWatch dashboard of both APIs and every workflow",
    });
  }

  /** The custom domains, when either name is set, and their outputs: the URLs, and where to point each name. */
  private addCustomDomains(config: StepgateConfig): CustomDomains | undefined {
    if (config.restDomainName === undefined && config.wsDomainName === undefined) return undefined;
    const domains = new CustomDomains(this, "custom_domains", {
      rest:
        config.restDomainName === undefined
          ? undefined
          : { domainName: config.restDomainName, apiId: this.restApi.api.id, stageName: this.restApi.stage.stageName },
      websocket:
        config.wsDomainName === undefined
          ? undefined
          : { domainName: config.wsDomainName, apiId: this.webSocketApi.api.id, stageName: this.webSocketApi.stage.name },
      hostedZoneId: config.hostedZoneId,
      certificateArn: config.certificateArn,
    });
    if (domains.restDomain) {
      new TerraformOutput(this, API_OUTPUTS.restCustomUrl, {
        value: `https://${domains.restDomain.domainName}`,
        description: "REST URL on the custom domain: POST JSON here",
      });
      new TerraformOutput(this, API_OUTPUTS.restCustomDomainTarget, {
        value: domains.restTarget,
        description: "Where the REST custom domain's DNS record points (a CNAME, or a Route 53 alias)",
      });
    }
    if (domains.websocketDomain) {
      new TerraformOutput(this, API_OUTPUTS.websocketCustomUrl, {
        value: `wss://${domains.websocketDomain.domainName}`,
        description: "WebSocket URL on the custom domain",
      });
      new TerraformOutput(this, API_OUTPUTS.websocketCustomDomainTarget, {
        value: domains.websocketTarget,
        description: "Where the WebSocket custom domain's DNS record points (a CNAME, or a Route 53 alias)",
      });
    }
    return domains;
  }
}
