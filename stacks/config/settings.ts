import { CONNECT_AUTHS, DEFAULT_CONNECT_AUTH } from "../constructs/websocket-api";
import { DEFAULT_SEND_API_KEY_VALUE } from "../constructs/rest-api";
import { DEFAULT_REST_API_KEY_REQUIRED, DEFAULT_REST_AUTH, REST_AUTHS } from "../constructs/rest-auth";
import { QUOTA_PERIODS } from "../constructs/usage-plan";
import {
  ACM_CERTIFICATE_ARN,
  boolean,
  COGNITO_USER_POOL_ARN,
  EMAIL,
  HOST_NAME,
  listOf,
  matching,
  namedPaths,
  oneOf,
  origins,
  type Parser,
  positiveNumber,
  REGION,
  STAGE_NAME,
  tags,
  WAF_WEB_ACL_ARN,
  wholeNumberAtLeastOne,
  wholeNumberBetween,
  WORKSPACE,
} from "./parsers";
import { WORKFLOW_NAME } from "./names";

/** An Express execution's longest run, 5 minutes: no synchronous integration waits longer. */
export const MAX_EXPRESS_MS = 300_000;

/**
 * stepgate's settings, our `variables.tf`: each entry is the one place that knows a setting's name,
 * typed default, what it accepts and what it does. The config type derives from this table, the
 * README's and `help`'s settings lists are checked against it, and nothing else reads
 * `process.env` (the local gateway's own settings are in local/settings.ts).
 */

/** One setting. `T` is its value's type; undefined means "not set", for settings without a default. */
export interface Setting<T = unknown> {
  /** The environment variable, and the `cdktf.json` context key. */
  readonly name: string;
  readonly default: T;
  /** The default as the docs show it, where it is not the value itself (none, or derived from other settings). */
  readonly shownDefault?: string;
  /** What the setting accepts, as errors, `help` and the README say it. */
  readonly accepts: string;
  /** What it does, as `help` and the README say it. */
  readonly description: string;
  readonly parse: Parser<Exclude<T, undefined>>;
}

/** A setting with a default; its type comes from its parser, so a default must be a value it accepts. */
export function setting<T>(s: Omit<Setting<T>, "default"> & { readonly default: NoInfer<T> }): Setting<T> {
  return s;
}

/** A setting without a default: undefined until set. */
export function optionalSetting<T>(s: Omit<Setting<T | undefined>, "default"> & { readonly shownDefault: string }): Setting<T | undefined> {
  return { ...s, default: undefined };
}

/** The default as the docs show it. */
export function shownDefault(s: Setting): string {
  return s.shownDefault ?? String(s.default);
}

export type SettingsTable = Readonly<Record<string, Setting>>;

/** The values of a table's settings, typed by their defaults. */
export type SettingValues<S extends SettingsTable> = { readonly [K in keyof S]: S[K]["default"] };

export const LOG_LEVELS = ["ALL", "ERROR", "FATAL", "OFF"] as const;
/** Who manages the region's API Gateway CloudWatch Logs role. */
export const APIGW_ACCOUNT_MODES = ["external", "managed"] as const;
/** Where the stacks keep their Terraform state. */
export const BACKENDS = ["local", "s3", "cloud"] as const;
/** The retention periods CloudWatch Logs accepts (0, "never expire", is refused on purpose). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const STAGE_ACCEPTS = "1 to 128 letters, digits, hyphens or underscores";

/** Every setting of synth, in the order `help` and the README list them. */
export const SETTINGS = {
  prefix: setting({
    name: "STEPGATE_PREFIX",
    default: "stepgate",
    accepts: "lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen",
    description: "Prefix of every resource name, so two copies can live in one account",
    parse: matching(/^[a-z](?:[a-z0-9-]*[a-z0-9])?$/),
  }),
  region: setting({
    name: "STEPGATE_REGION",
    default: "us-east-1",
    accepts: "an AWS region such as us-east-1 or eu-central-1",
    description: "AWS region of both stacks",
    parse: matching(REGION),
  }),
  definitionPath: setting({
    name: "STEPGATE_DEFINITION",
    default: "templates/workflow.asl.json",
    accepts: "the path of an Amazon States Language JSON file, relative to the project folder",
    description: "State machine definition, checked at synth",
    parse: matching(/\S/),
  }),
  extraWorkflows: setting({
    name: "STEPGATE_WORKFLOWS",
    default: [],
    shownDefault: "(none)",
    accepts:
      "name=path pairs separated by commas, or a JSON object of paths; a name has lowercase letters, digits and hyphens, starts with a letter, and is not workflow",
    description: "Workflows besides the default one: each its own state machine <prefix>-<name>, started by POST /<name> and WebSocket action <name>",
    parse: namedPaths,
  }),
  asyncWorkflows: setting({
    name: "STEPGATE_ASYNC_WORKFLOWS",
    default: [],
    shownDefault: "(none)",
    accepts: "workflow names separated by commas (workflow is the default one; the others as STEPGATE_WORKFLOWS names them)",
    description:
      "Workflows answered asynchronously, past API Gateway's 29 s: WebSocket an acknowledgement frame, then the result frame; REST 202, then GET /executions/<id> (docs/long-running-workflows.md)",
    parse: listOf(WORKFLOW_NAME),
  }),
  standardWorkflows: setting({
    name: "STEPGATE_STANDARD_WORKFLOWS",
    default: [],
    shownDefault: "(none)",
    accepts: "names of async workflows (STEPGATE_ASYNC_WORKFLOWS) separated by commas",
    description:
      "Workflows whose state machine is Standard (up to a year) instead of Express (up to 5 minutes); changing a workflow's type replaces its state machine",
    parse: listOf(WORKFLOW_NAME),
  }),
  logLevel: setting({
    name: "STEPGATE_LOG_LEVEL",
    default: "ERROR",
    accepts: LOG_LEVELS.join("|"),
    description: "State machine log level",
    parse: oneOf(LOG_LEVELS),
  }),
  logExecutionData: setting({
    name: "STEPGATE_LOG_EXECUTION_DATA",
    default: false,
    accepts: "true|false",
    description: "Include execution input and output in state machine logs (they hold request payloads)",
    parse: boolean,
  }),
  logRetentionDays: setting({
    name: "STEPGATE_LOG_RETENTION_DAYS",
    default: 30,
    accepts: `one of ${LOG_RETENTION_DAYS.join(", ")}`,
    description: "Retention of every log group, in days",
    parse: (raw) => LOG_RETENTION_DAYS.find((d) => String(d) === raw.trim()),
  }),
  logKmsKey: optionalSetting<string>({
    name: "STEPGATE_LOG_KMS_KEY",
    shownDefault: "(none: CloudWatch Logs' own encryption)",
    accepts: "create (a customer-managed key per stack), or the ARN of a KMS key whose policy lets CloudWatch Logs use it",
    description: "KMS key of every log group",
    parse: matching(/^(create|arn:aws[\w-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+)$/),
  }),
  wsStage: setting({
    name: "STEPGATE_WS_STAGE",
    default: "api",
    accepts: STAGE_ACCEPTS,
    description: "WebSocket API stage name",
    parse: matching(STAGE_NAME),
  }),
  wsRateLimit: setting({
    name: "STEPGATE_WS_RATE_LIMIT",
    default: 10,
    accepts: "a number greater than 0",
    description: "WebSocket route throttling: steady-state messages per second",
    parse: positiveNumber,
  }),
  wsBurstLimit: setting({
    name: "STEPGATE_WS_BURST_LIMIT",
    default: 20,
    accepts: "a whole number of at least 1",
    description: "WebSocket route throttling: burst",
    parse: wholeNumberAtLeastOne,
  }),
  wsConnectAuth: setting({
    name: "STEPGATE_WS_CONNECT_AUTH",
    default: DEFAULT_CONNECT_AUTH,
    accepts: CONNECT_AUTHS.join("|"),
    description: "Authorization of the WebSocket $connect request (NONE: anyone with the URL)",
    parse: oneOf(CONNECT_AUTHS),
  }),
  restStage: setting({
    name: "STEPGATE_REST_STAGE",
    default: "api",
    accepts: STAGE_ACCEPTS,
    description: "REST API stage name",
    parse: matching(STAGE_NAME),
  }),
  restRateLimit: setting({
    name: "STEPGATE_REST_RATE_LIMIT",
    default: 10,
    accepts: "a number greater than 0",
    description: "REST throttling (stage and usage plan): steady-state requests per second",
    parse: positiveNumber,
  }),
  restBurstLimit: setting({
    name: "STEPGATE_REST_BURST_LIMIT",
    default: 20,
    accepts: "a whole number of at least 1",
    description: "REST throttling (stage and usage plan): burst",
    parse: wholeNumberAtLeastOne,
  }),
  restTimeoutMs: setting({
    name: "STEPGATE_REST_TIMEOUT_MS",
    default: 29000,
    accepts: `a whole number of milliseconds from 50 to ${MAX_EXPRESS_MS} (above 29000 only for a Regional REST API whose integration timeout quota AWS raised)`,
    description: "REST integration timeout of the synchronous workflows (WebSocket integrations stay at 29 s, which AWS never raises)",
    parse: wholeNumberBetween(50, MAX_EXPRESS_MS),
  }),
  quotaLimit: setting({
    name: "STEPGATE_QUOTA_LIMIT",
    default: 10000,
    accepts: "a whole number of at least 1",
    description: "Usage plan quota: requests per API key per period",
    parse: wholeNumberAtLeastOne,
  }),
  quotaPeriod: setting({
    name: "STEPGATE_QUOTA_PERIOD",
    default: "DAY",
    accepts: QUOTA_PERIODS.join("|"),
    description: "Usage plan quota period",
    parse: oneOf(QUOTA_PERIODS),
  }),
  sendApiKeyValue: setting({
    name: "STEPGATE_REST_SEND_API_KEY_VALUE",
    default: DEFAULT_SEND_API_KEY_VALUE,
    accepts: "true|false",
    description: "Put the API key's value (as the seed does) instead of its id into the execution input",
    parse: boolean,
  }),
  restAuth: setting({
    name: "STEPGATE_REST_AUTH",
    default: DEFAULT_REST_AUTH,
    accepts: REST_AUTHS.join("|"),
    description: "Who may call the REST API: API key holders, users signed in to Cognito user pools, or AWS_IAM (SigV4) signers",
    parse: oneOf(REST_AUTHS),
  }),
  restApiKeyRequired: setting({
    name: "STEPGATE_REST_API_KEY_REQUIRED",
    default: DEFAULT_REST_API_KEY_REQUIRED,
    accepts: "true|false (false only with COGNITO or AWS_IAM)",
    description: "Require the API key (and its usage plan's quota) on top of COGNITO or AWS_IAM",
    parse: boolean,
  }),
  cognitoUserPoolArns: optionalSetting<readonly string[]>({
    name: "STEPGATE_COGNITO_USER_POOL_ARNS",
    shownDefault: "(none; required for COGNITO)",
    accepts: "ARNs of Cognito user pools, separated by commas",
    description: "COGNITO: the user pools whose tokens the REST API accepts",
    parse: listOf(COGNITO_USER_POOL_ARN),
  }),
  cognitoScopes: optionalSetting<readonly string[]>({
    name: "STEPGATE_COGNITO_SCOPES",
    shownDefault: "(none: ID tokens)",
    accepts: "OAuth scopes separated by commas, such as stepgate/invoke",
    description: "COGNITO: take access tokens that carry one of these scopes, instead of ID tokens",
    parse: listOf(/^[\x21\x23-\x5B\x5D-\x7E]+$/),
  }),
  corsOrigins: optionalSetting<readonly string[]>({
    name: "STEPGATE_CORS_ORIGINS",
    shownDefault: "(none: no CORS)",
    accepts: "*, or origins separated by commas, such as https://app.example.com,http://localhost:3000",
    description: "Origins whose browser apps may call the REST API: the OPTIONS preflight and CORS headers on every answer",
    parse: origins,
  }),
  restDomainName: optionalSetting<string>({
    name: "STEPGATE_REST_DOMAIN_NAME",
    shownDefault: "(none)",
    accepts: "a host name such as api.example.com, not the WebSocket API's",
    description: "Custom domain of the REST API (regional, TLS 1.2), its stage at the root; needs a hosted zone or a certificate",
    parse: matching(HOST_NAME),
  }),
  wsDomainName: optionalSetting<string>({
    name: "STEPGATE_WS_DOMAIN_NAME",
    shownDefault: "(none)",
    accepts: "a host name such as ws.example.com, not the REST API's",
    description: "Custom domain of the WebSocket API (regional, TLS 1.2), its stage at the root; needs a hosted zone or a certificate",
    parse: matching(HOST_NAME),
  }),
  hostedZoneId: optionalSetting<string>({
    name: "STEPGATE_HOSTED_ZONE_ID",
    shownDefault: "(none)",
    accepts: "a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ",
    description: "Custom domains: the public zone of the names, where stepgate validates one ACM certificate for them and creates their alias records",
    parse: matching(/^Z[A-Z0-9]{1,31}$/),
  }),
  certificateArn: optionalSetting<string>({
    name: "STEPGATE_CERTIFICATE_ARN",
    shownDefault: "(none)",
    accepts: "the ARN of an ACM certificate in STEPGATE_REGION",
    description: "Custom domains: a certificate of yours for the names, instead of a hosted zone (the DNS records are then yours)",
    parse: matching(ACM_CERTIFICATE_ARN),
  }),
  restWafAclArn: optionalSetting<string>({
    name: "STEPGATE_REST_WAF_ACL_ARN",
    shownDefault: "(none)",
    accepts: "the ARN of a regional WAFv2 web ACL in STEPGATE_REGION",
    description: "Web ACL associated with the REST stage (WAF cannot protect WebSocket APIs)",
    parse: matching(WAF_WEB_ACL_ARN),
  }),
  apiGatewayAccount: setting({
    name: "STEPGATE_APIGW_ACCOUNT",
    default: "external",
    accepts: APIGW_ACCOUNT_MODES.join("|"),
    description: "Who sets the region's API Gateway CloudWatch Logs role: external (by hand, once) or managed (the apigw-account stack)",
    parse: oneOf(APIGW_ACCOUNT_MODES),
  }),
  tags: setting({
    name: "STEPGATE_TAGS",
    default: {},
    shownDefault: "(none)",
    accepts: "key=value pairs separated by commas, or a JSON object of strings",
    description: "Tags of every resource, besides stepgate:prefix",
    parse: tags,
  }),
  monitoring: setting({
    name: "STEPGATE_MONITORING",
    default: "on",
    accepts: "on|off",
    description: "A CloudWatch dashboard and alarms for both APIs and every workflow (README: Monitoring)",
    parse: oneOf(["on", "off"] as const),
  }),
  alarmEmails: optionalSetting<readonly string[]>({
    name: "STEPGATE_ALARM_EMAILS",
    shownDefault: "(none)",
    accepts: "e-mail addresses separated by commas",
    description: "E-mail subscriptions of the alarm topic stepgate creates (each address confirms by mail)",
    parse: listOf(EMAIL),
  }),
  alarmTopicArn: optionalSetting<string>({
    name: "STEPGATE_ALARM_TOPIC_ARN",
    shownDefault: "(a topic of its own)",
    accepts: "the ARN of an SNS topic in the stack's region",
    description: "An existing SNS topic for the alarms, instead of the topic stepgate creates",
    parse: matching(/^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/),
  }),
  alarmRest5xx: setting({
    name: "STEPGATE_ALARM_REST_5XX",
    default: 5,
    accepts: "a whole number of at least 1",
    description: "Alarm: REST answers with a 5xx status in 5 minutes",
    parse: wholeNumberAtLeastOne,
  }),
  alarmRestLatencyP99Ms: setting({
    name: "STEPGATE_ALARM_REST_LATENCY_P99_MS",
    default: 25000,
    accepts: "a number greater than 0 (milliseconds)",
    description: "Alarm: REST p99 latency over 5 minutes (API Gateway gives up at 29 s)",
    parse: positiveNumber,
  }),
  alarmWebSocketErrors: setting({
    name: "STEPGATE_ALARM_WS_ERRORS",
    default: 5,
    accepts: "a whole number of at least 1",
    description: "Alarm: WebSocket integration errors, or execution errors, in 5 minutes",
    parse: wholeNumberAtLeastOne,
  }),
  alarmExecutionsFailed: setting({
    name: "STEPGATE_ALARM_EXECUTIONS_FAILED",
    default: 5,
    accepts: "a whole number of at least 1",
    description: "Alarm: failed executions of one workflow in 5 minutes",
    parse: wholeNumberAtLeastOne,
  }),
  alarmExecutionsTimedOut: setting({
    name: "STEPGATE_ALARM_EXECUTIONS_TIMED_OUT",
    default: 1,
    accepts: "a whole number of at least 1",
    description: "Alarm: timed-out executions of one workflow in 5 minutes",
    parse: wholeNumberAtLeastOne,
  }),
  alarmThrottled: setting({
    name: "STEPGATE_ALARM_THROTTLED",
    default: 1,
    accepts: "a whole number of at least 1",
    description: "Alarm: StartSyncExecution calls Step Functions throttled in 5 minutes, account-wide",
    parse: wholeNumberAtLeastOne,
  }),
  backend: setting({
    name: "STEPGATE_BACKEND",
    default: "local",
    accepts: BACKENDS.join("|"),
    description: "Where both stacks keep their state: local files, an S3 bucket, or Terraform Cloud workspaces",
    parse: oneOf(BACKENDS),
  }),
  s3Bucket: optionalSetting<string>({
    name: "STEPGATE_S3_BUCKET",
    shownDefault: "(none; required for s3)",
    accepts: "an S3 bucket name (3 to 63 lowercase letters, digits, dots and hyphens)",
    description: "s3 backend: the bucket that keeps the state",
    parse: matching(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/),
  }),
  s3Region: optionalSetting<string>({
    name: "STEPGATE_S3_REGION",
    shownDefault: "STEPGATE_REGION",
    accepts: "an AWS region such as us-east-1",
    description: "s3 backend: the bucket's region",
    parse: matching(REGION),
  }),
  s3KeyPrefix: optionalSetting<string>({
    name: "STEPGATE_S3_KEY_PREFIX",
    shownDefault: "<prefix>",
    accepts: "an S3 key prefix without leading or trailing slash",
    description: "s3 backend: state keys are <key prefix>/<stack>.tfstate",
    parse: matching(/^[A-Za-z0-9!_.*'()-]+(?:\/[A-Za-z0-9!_.*'()-]+)*$/),
  }),
  tfcOrganization: optionalSetting<string>({
    name: "STEPGATE_TFC_ORGANIZATION",
    shownDefault: "(none; required for cloud)",
    accepts: "a Terraform Cloud organization name (letters, digits, _ and -)",
    description: "cloud backend: the organization",
    parse: matching(/^[A-Za-z0-9_-]+$/),
  }),
  tfcHostname: setting({
    name: "STEPGATE_TFC_HOSTNAME",
    default: "app.terraform.io",
    accepts: "a host name",
    description: "cloud backend: the Terraform Cloud or Enterprise host",
    parse: matching(HOST_NAME),
  }),
  tfcProject: optionalSetting<string>({
    name: "STEPGATE_TFC_PROJECT",
    shownDefault: "(the organization's default)",
    accepts: "a project name",
    description: "cloud backend: project of the workspaces",
    parse: matching(/^[A-Za-z0-9 _-]{1,40}$/),
  }),
  tfcWorkspaceWorkflow: optionalSetting<string>({
    name: "STEPGATE_TFC_WORKSPACE_WORKFLOW",
    shownDefault: "<prefix>-workflow",
    accepts: "a workspace name (up to 90 letters, digits, _ and -)",
    description: "cloud backend: workspace of the workflow stack",
    parse: matching(WORKSPACE),
  }),
  tfcWorkspaceApi: optionalSetting<string>({
    name: "STEPGATE_TFC_WORKSPACE_API",
    shownDefault: "<prefix>-api",
    accepts: "a workspace name (up to 90 letters, digits, _ and -)",
    description: "cloud backend: workspace of the api stack",
    parse: matching(WORKSPACE),
  }),
};

/** The settings' values, as read: typed by the table. */
export type Settings = SettingValues<typeof SETTINGS>;
export type LogLevel = Settings["logLevel"];
export type ApiGatewayAccountMode = Settings["apiGatewayAccount"];
