import { ConfigError, loadConfig } from "../../stacks/config/load";
import { MAX_PREFIX_LENGTH, maxWorkflowNameLength, resourceNames } from "../../stacks/config/names";
import { SETTINGS } from "../../stacks/config/settings";
import { definitionFile, PROJECT_DIR } from "../support/stacks";

const load = (env: Record<string, string> = {}, context: Record<string, unknown> = {}, terraformInstalled = true) =>
  loadConfig({ env, context: (key) => context[key], projectDir: PROJECT_DIR, onPath: () => terraformInstalled });

/** The problems `loadConfig` reports for these settings. */
function problems(env: Record<string, string>, context: Record<string, unknown> = {}, terraformInstalled = true): readonly string[] {
  try {
    load(env, context, terraformInstalled);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("has a default for every setting", () => {
    const config = load();
    expect(config).toMatchObject({
      prefix: "stepgate",
      region: "us-east-1",
      definitionPath: "templates/workflow.asl.json",
      logLevel: "ERROR",
      logExecutionData: false,
      logRetentionDays: 30,
      logKmsKey: undefined,
      wsStage: "api",
      wsRateLimit: 10,
      wsBurstLimit: 20,
      wsConnectAuth: "NONE",
      restStage: "api",
      restRateLimit: 10,
      restBurstLimit: 20,
      quotaLimit: 10000,
      quotaPeriod: "DAY",
      sendApiKeyValue: false,
      apiGatewayAccount: "external",
      tags: {},
      backend: "local",
    });
    expect(JSON.parse(config.definition).StartAt).toBe("Wait for 3 Seconds");
  });

  it("takes cdktf.json context over defaults, and the environment over both", () => {
    const context = { STEPGATE_PREFIX: "from-context", STEPGATE_REGION: "eu-west-1", STEPGATE_QUOTA_LIMIT: 42, STEPGATE_LOG_EXECUTION_DATA: true };
    const config = load({ STEPGATE_PREFIX: "from-env" }, context);
    expect(config.prefix).toBe("from-env");
    expect(config.region).toBe("eu-west-1");
    expect(config.quotaLimit).toBe(42);
    expect(config.logExecutionData).toBe(true);
  });

  it("counts an empty environment variable as not set, as CI systems pass unset variables", () => {
    expect(load({ STEPGATE_BACKEND: "", STEPGATE_PREFIX: "" }, { STEPGATE_PREFIX: "from-context" })).toMatchObject({
      state: { backend: "local" },
      prefix: "from-context",
    });
  });

  it("reads tags as key=value pairs or as a JSON object (as cdktf.json context holds them)", () => {
    expect(load({ STEPGATE_TAGS: "team=payments, env=dev" }).tags).toEqual({ team: "payments", env: "dev" });
    expect(load({}, { STEPGATE_TAGS: { "cost-center": "42", owner: "a@b.c" } }).tags).toEqual({ "cost-center": "42", owner: "a@b.c" });
    expect(load({ STEPGATE_TAGS: '{"a":"1"}' }).tags).toEqual({ a: "1" });
  });

  it.each([
    ["STEPGATE_PREFIX", "Has_Capitals", "lowercase letters"],
    ["STEPGATE_PREFIX", "trailing-", "not ending with a hyphen"],
    ["STEPGATE_REGION", "mars-1", "an AWS region"],
    ["STEPGATE_LOG_LEVEL", "DEBUG", "ALL|ERROR|FATAL|OFF"],
    ["STEPGATE_LOG_EXECUTION_DATA", "yes", "true|false"],
    ["STEPGATE_LOG_RETENTION_DAYS", "0", "one of 1, 3, 5"],
    ["STEPGATE_LOG_RETENTION_DAYS", "10", "one of 1, 3, 5"],
    ["STEPGATE_WS_STAGE", "has space", "letters, digits, hyphens or underscores"],
    ["STEPGATE_WS_RATE_LIMIT", "0", "a number greater than 0"],
    ["STEPGATE_WS_RATE_LIMIT", "fast", "a number greater than 0"],
    ["STEPGATE_WS_BURST_LIMIT", "1.5", "a whole number of at least 1"],
    ["STEPGATE_WS_CONNECT_AUTH", "COGNITO", "NONE|AWS_IAM|API_KEY"],
    ["STEPGATE_REST_STAGE", "v1.0", "letters, digits, hyphens or underscores"],
    ["STEPGATE_REST_RATE_LIMIT", "-1", "a number greater than 0"],
    ["STEPGATE_REST_BURST_LIMIT", "0", "a whole number of at least 1"],
    ["STEPGATE_QUOTA_LIMIT", "1e3", "a whole number of at least 1"],
    ["STEPGATE_QUOTA_PERIOD", "YEAR", "DAY|WEEK|MONTH"],
    ["STEPGATE_REST_SEND_API_KEY_VALUE", "1", "true|false"],
    ["STEPGATE_CORS_ORIGINS", "app.example.com", "origins separated by commas"],
    ["STEPGATE_CORS_ORIGINS", "https://app.example.com/path", "origins separated by commas"],
    ["STEPGATE_CORS_ORIGINS", "https://a.example.com,*", "origins separated by commas"],
    ["STEPGATE_CORS_ORIGINS", "https://a.example.com,https://a.example.com", "origins separated by commas"],
    ["STEPGATE_APIGW_ACCOUNT", "mine", "external|managed"],
    ["STEPGATE_TAGS", "novalue", "key=value pairs"],
    ["STEPGATE_TAGS", "aws:reserved=x", "key=value pairs"],
    ["STEPGATE_BACKEND", "gcs", "local|s3|cloud"],
    ["STEPGATE_S3_BUCKET", "Not_A_Bucket", "an S3 bucket name"],
    ["STEPGATE_S3_REGION", "moon", "an AWS region"],
    ["STEPGATE_S3_KEY_PREFIX", "/leading", "without leading or trailing slash"],
    ["STEPGATE_TFC_ORGANIZATION", "acme corp", "organization name"],
    ["STEPGATE_TFC_HOSTNAME", "not a host", "a host name"],
    ["STEPGATE_TFC_WORKSPACE_API", "has/slash", "a workspace name"],
    ["STEPGATE_MONITORING", "yes", "on|off"],
    ["STEPGATE_ALARM_EMAILS", "ops@example.com,not-an-address", "e-mail addresses"],
    ["STEPGATE_ALARM_TOPIC_ARN", "team-alarms", "the ARN of an SNS topic"],
    ["STEPGATE_ALARM_REST_LATENCY_P99_MS", "0", "a number greater than 0"],
  ])("refuses %s=%j, saying what it accepts", (name, value, accepts) => {
    const [problem, ...rest] = problems({ [name]: value });
    expect(rest).toEqual([]);
    expect(problem).toContain(`${name}=${JSON.stringify(value)} (from environment)`);
    expect(problem).toContain(accepts);
  });

  it("reads STEPGATE_CORS_ORIGINS as *, or a list of origins", () => {
    expect(load().corsOrigins).toBeUndefined();
    expect(load({ STEPGATE_CORS_ORIGINS: "*" }).corsOrigins).toEqual(["*"]);
    expect(load({ STEPGATE_CORS_ORIGINS: "https://app.example.com, http://localhost:3000" }).corsOrigins).toEqual([
      "https://app.example.com",
      "http://localhost:3000",
    ]);
  });

  it("says where a bad value came from", () => {
    expect(problems({}, { STEPGATE_QUOTA_PERIOD: "YEAR" })).toEqual(['STEPGATE_QUOTA_PERIOD="YEAR" (from cdktf.json context): expected DAY|WEEK|MONTH']);
  });

  it("reports every problem at once", () => {
    expect(problems({ STEPGATE_LOG_LEVEL: "x", STEPGATE_QUOTA_LIMIT: "0", STEPGATE_DEFINITION: "nope.json" })).toEqual([
      expect.stringContaining("STEPGATE_DEFINITION"),
      expect.stringContaining("STEPGATE_LOG_LEVEL"),
      expect.stringContaining("STEPGATE_QUOTA_LIMIT"),
    ]);
  });

  describe("the backend", () => {
    it("is local by default", () => {
      expect(load().state).toEqual({ backend: "local" });
    });

    it("s3: requires the bucket, defaults the region to the deploy region and the key prefix to the prefix", () => {
      expect(problems({ STEPGATE_BACKEND: "s3" })).toEqual([
        "STEPGATE_S3_BUCKET: required when STEPGATE_BACKEND=s3 (s3 backend: the bucket that keeps the state)",
      ]);
      expect(load({ STEPGATE_BACKEND: "s3", STEPGATE_S3_BUCKET: "acme-state", STEPGATE_REGION: "eu-west-1", STEPGATE_PREFIX: "pay" }).state).toEqual({
        backend: "s3",
        bucket: "acme-state",
        region: "eu-west-1",
        keyPrefix: "pay",
      });
    });

    it("cloud: requires the organization, names a workspace per stack from the prefix", () => {
      expect(problems({ STEPGATE_BACKEND: "cloud" })).toEqual([
        "STEPGATE_TFC_ORGANIZATION: required when STEPGATE_BACKEND=cloud (cloud backend: the organization)",
      ]);
      expect(load({ STEPGATE_BACKEND: "cloud", STEPGATE_TFC_ORGANIZATION: "acme", STEPGATE_PREFIX: "pay" }).state).toEqual({
        backend: "cloud",
        organization: "acme",
        hostname: "app.terraform.io",
        project: undefined,
        workspaces: { workflow: "pay-workflow", api: "pay-api", "apigw-account": "pay-apigw-account" },
      });
    });

    it("cloud: says in one line that terraform is missing, since cdktf checks its version at synth", () => {
      const found = problems({ STEPGATE_BACKEND: "cloud", STEPGATE_TFC_ORGANIZATION: "acme" }, {}, false);
      expect(found).toEqual([expect.stringContaining("STEPGATE_BACKEND=cloud: cdktf checks Terraform's version")]);
      expect(found[0]).not.toContain("\n");
      // Only the cloud backend needs it.
      expect(() => load({ STEPGATE_BACKEND: "s3", STEPGATE_S3_BUCKET: "acme-state" }, {}, false)).not.toThrow();
    });

    it("does not ask for the settings of a backend it does not use", () => {
      expect(load({ STEPGATE_BACKEND: "local", STEPGATE_S3_BUCKET: "" }).state).toEqual({ backend: "local" });
    });
  });

  it("refuses a prefix that would make a derived name longer than AWS allows", () => {
    const longest = "p".repeat(MAX_PREFIX_LENGTH);
    expect(load({ STEPGATE_PREFIX: longest }).names.startSyncExecutionRole).toHaveLength(64);
    expect(problems({ STEPGATE_PREFIX: `${longest}p` })).toEqual([expect.stringContaining(`at most ${MAX_PREFIX_LENGTH} characters`)]);
  });

  it("derives every name from the prefix", () => {
    // The runner's names separate the prefix with "_", which no workflow's name has (names.ts).
    expect(Object.values(resourceNames("abc")).filter((name) => !/(^|[-/])abc([-/_]|$)/.test(name))).toEqual([]);
  });

  it("names the definition file, resolved from the project folder, in each of its problems", () => {
    expect(problems({ STEPGATE_DEFINITION: "templates/missing.asl.json" })).toEqual([
      `STEPGATE_DEFINITION (${PROJECT_DIR}/templates/missing.asl.json): cannot read the file (ENOENT)`,
    ]);
  });

  it("takes the definition from STEPGATE_DEFINITION, compactly serialized", () => {
    const definition = { StartAt: "P", States: { P: { Type: "Pass", End: true } } };
    expect(load({ STEPGATE_DEFINITION: definitionFile(definition) }).definition).toBe(JSON.stringify(definition));
  });

  it("accepts every default that has a text form, given as a value", () => {
    const shown = Object.values(SETTINGS).filter((s) => s.shownDefault === undefined);
    expect(shown.length).toBeGreaterThan(15);
    expect(load(Object.fromEntries(shown.map((s) => [s.name, String(s.default)])))).toEqual(load());
  });

  it("counts an empty cdktf.json context value as not set, as it does an empty variable", () => {
    expect(load({}, { STEPGATE_S3_BUCKET: "", STEPGATE_LOG_KMS_KEY: "" })).toEqual(load());
  });

  it("names where a too-long prefix came from", () => {
    const long = "p".repeat(MAX_PREFIX_LENGTH + 1);
    expect(problems({}, { STEPGATE_PREFIX: long })).toEqual([
      `STEPGATE_PREFIX=${JSON.stringify(long)} (from cdktf.json context): at most ${MAX_PREFIX_LENGTH} characters, so that every derived name fits its AWS limit`,
    ]);
  });

  it("refuses alarm e-mails beside an existing alarm topic, whose subscriptions are its owner's", () => {
    expect(problems({ STEPGATE_ALARM_EMAILS: "ops@example.com", STEPGATE_ALARM_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:team" })).toEqual([
      expect.stringMatching(/^STEPGATE_ALARM_EMAILS: has no effect with STEPGATE_ALARM_TOPIC_ARN/),
    ]);
  });

  it("ignores the local gateway's settings: a bad one never stops synth", () => {
    expect(load({ STEPGATE_LOCAL_API_KEY: "short", STEPGATE_LOCAL_WS_PORT: "http" })).toEqual(load());
  });

  describe("STEPGATE_WORKFLOWS", () => {
    const seed = `${PROJECT_DIR}/templates/workflow.asl.json`;
    const pass = (result: string) => definitionFile({ StartAt: "P", States: { P: { Type: "Pass", Result: result, End: true } } });

    it("has none by default: the one workflow is the default, named workflow, with the names it always had", () => {
      const config = load();
      expect(config.extraWorkflows).toEqual([]);
      expect(config.workflows).toEqual([
        {
          name: "workflow",
          definitionPath: "templates/workflow.asl.json",
          definition: config.definition,
          names: { stateMachine: "stepgate-workflow", stateMachineRole: "stepgate-workflow", stateMachineLogGroup: "/aws/vendedlogs/states/stepgate-workflow" },
          async: false,
          type: "EXPRESS",
        },
      ]);
    });

    it("reads name=path pairs, or a JSON object (as cdktf.json context holds it), in order, the default first; each definition loaded", () => {
      const [orders, refunds] = [pass("orders"), pass("refunds")];
      const fromEnv = load({ STEPGATE_WORKFLOWS: ` orders = ${orders} ,refunds-eu=${refunds},`, STEPGATE_PREFIX: "pay" }).workflows;
      expect(fromEnv.map((w) => [w.name, w.definitionPath, w.names.stateMachine, w.names.stateMachineLogGroup])).toEqual([
        ["workflow", "templates/workflow.asl.json", "pay-workflow", "/aws/vendedlogs/states/pay-workflow"],
        ["orders", orders, "pay-orders", "/aws/vendedlogs/states/pay-orders"],
        ["refunds-eu", refunds, "pay-refunds-eu", "/aws/vendedlogs/states/pay-refunds-eu"],
      ]);
      expect(JSON.parse(fromEnv[1].definition).States.P.Result).toBe("orders");
      const fromContext = load({}, { STEPGATE_WORKFLOWS: { orders, "refunds-eu": refunds }, STEPGATE_PREFIX: "pay" }).workflows;
      expect(fromContext).toEqual(fromEnv);
      expect(load({ STEPGATE_WORKFLOWS: JSON.stringify({ orders }) }).workflows.map((w) => w.name)).toEqual(["workflow", "orders"]);
    });

    it.each([["orders"], ["orders="], ["=x.json"], ["{}"], ['{"orders": 1}'], ["[1]"], ['{"orders": "a.json"']])(
      "refuses %j, saying what it accepts",
      (value) => {
        expect(problems({ STEPGATE_WORKFLOWS: value })).toEqual([
          `STEPGATE_WORKFLOWS=${JSON.stringify(value)} (from environment): expected ${SETTINGS.extraWorkflows.accepts}`,
        ]);
      },
    );

    it("refuses bad names, the reserved workflow, a name given twice and a name too long for a derived name, a line each, all at once", () => {
      const longest = "n".repeat(maxWorkflowNameLength("stepgate"));
      expect(longest).toHaveLength(64 - "stepgate-".length);
      expect(load({ STEPGATE_WORKFLOWS: `${longest}=${seed}` }).workflows[1].names.stateMachineRole).toHaveLength(64);
      expect(
        problems({
          STEPGATE_WORKFLOWS: `Orders=${seed},2fa=${seed},a_b=${seed},workflow=${seed},ok=${seed},ok=${seed},${longest}n=${seed}`,
          STEPGATE_LOG_LEVEL: "x",
        }),
      ).toEqual([
        'STEPGATE_WORKFLOWS ("Orders", from environment): a name has lowercase letters, digits and hyphens, and starts with a letter',
        'STEPGATE_WORKFLOWS ("2fa", from environment): a name has lowercase letters, digits and hyphens, and starts with a letter',
        'STEPGATE_WORKFLOWS ("a_b", from environment): a name has lowercase letters, digits and hyphens, and starts with a letter',
        'STEPGATE_WORKFLOWS (workflow, from environment): "workflow" is the default workflow\'s (STEPGATE_DEFINITION); choose another name',
        "STEPGATE_WORKFLOWS (ok, from environment): named twice; each workflow needs a name of its own",
        `STEPGATE_WORKFLOWS (${longest}n, from environment): at most 55 characters with the prefix "stepgate", so that its role <prefix>-<name> fits IAM's 64 (state machine: 80)`,
        expect.stringContaining("STEPGATE_LOG_LEVEL"),
      ]);
    });

    it("counts the name's length against the prefix", () => {
      const prefix = "p".repeat(MAX_PREFIX_LENGTH);
      const longest = "n".repeat(maxWorkflowNameLength(prefix));
      expect(longest.length).toBe(64 - MAX_PREFIX_LENGTH - 1);
      expect(() => load({ STEPGATE_PREFIX: prefix, STEPGATE_WORKFLOWS: `${longest}=${seed}` })).not.toThrow();
      expect(problems({ STEPGATE_PREFIX: prefix, STEPGATE_WORKFLOWS: `${longest}n=${seed}` })).toEqual([
        expect.stringContaining(`at most ${longest.length} characters`),
      ]);
    });

    it("checks each definition, naming the workflow and the file in each problem, beside the default's", () => {
      const express = definitionFile({ StartAt: "T", States: { T: { Type: "Task", Resource: "arn:aws:states:::glue:startJobRun.sync", End: true } } });
      const invalid = definitionFile({ StartAt: "Missing", States: { P: { Type: "Pass", End: true } } });
      expect(problems({ STEPGATE_WORKFLOWS: `orders=missing.json,jobs=${express},bad=${invalid}`, STEPGATE_DEFINITION: "nope.json" })).toEqual([
        `STEPGATE_DEFINITION (${PROJECT_DIR}/nope.json): cannot read the file (ENOENT)`,
        `STEPGATE_WORKFLOWS (orders: ${PROJECT_DIR}/missing.json): cannot read the file (ENOENT)`,
        `STEPGATE_WORKFLOWS (jobs: ${express}) at $.States["T"].Resource: "arn:aws:states:::glue:startJobRun.sync" waits for a job to complete (.sync); Express workflows (which StartSyncExecution runs) support neither .sync nor .waitForTaskToken service integrations, activities or Distributed Map`,
        `STEPGATE_WORKFLOWS (bad: ${invalid}): not valid Amazon States Language: State P is not reachable`,
        `STEPGATE_WORKFLOWS (bad: ${invalid}): not valid Amazon States Language: Missing 'StartAt'|'Next'|'Default' target: Missing`,
      ]);
    });

    it("refuses more workflows than the API Gateway role's policy, the WebSocket API's routes and the REST API's resources allow, a line each", () => {
      const many = (n: number) => Array.from({ length: n }, (_, i) => `w${i}=${seed}`).join(",");
      const largest = load({ STEPGATE_WORKFLOWS: many(100) }).workflows;
      expect(largest).toHaveLength(101);
      expect(problems({ STEPGATE_WORKFLOWS: many(140) })).toEqual([
        expect.stringMatching(
          /^STEPGATE_WORKFLOWS: 140 workflows are too many for the API Gateway role's policy, which lists every state machine: \d+ characters, IAM allows 10240$/,
        ),
      ]);
      expect(problems({ STEPGATE_WORKFLOWS: many(299), STEPGATE_PREFIX: "a" })).toEqual([
        "STEPGATE_WORKFLOWS: 299 workflows, at most 298: a WebSocket API has at most 300 routes, $default and $connect included",
        expect.stringContaining("too many for the API Gateway role's policy"),
      ]);
      expect(problems({ STEPGATE_WORKFLOWS: many(300), STEPGATE_PREFIX: "a" })).toEqual([
        "STEPGATE_WORKFLOWS: 300 workflows, at most 298: a WebSocket API has at most 300 routes, $default and $connect included",
        "STEPGATE_WORKFLOWS: 300 workflows, at most 299: a REST API has at most 300 resources, the root included",
        expect.stringContaining("too many for the API Gateway role's policy"),
      ]);
    });
  });

  describe("STEPGATE_ASYNC_WORKFLOWS and STEPGATE_STANDARD_WORKFLOWS", () => {
    const seed = "templates/workflow.asl.json";
    const waitsForAJob = () =>
      definitionFile({
        StartAt: "Job",
        States: { Job: { Type: "Task", Resource: "arn:aws:states:::glue:startJobRun.sync", Parameters: { JobName: "j" }, End: true } },
      });

    it("answers every workflow synchronously on Express by default", () => {
      expect(load({ STEPGATE_WORKFLOWS: `orders=${seed}` }).workflows.map((w) => [w.name, w.async, w.type])).toEqual([
        ["workflow", false, "EXPRESS"],
        ["orders", false, "EXPRESS"],
      ]);
    });

    it("makes the named workflows async, and the named async ones Standard", () => {
      const config = load({
        STEPGATE_WORKFLOWS: `orders=${seed},batch=${seed},quick=${seed}`,
        STEPGATE_ASYNC_WORKFLOWS: "workflow, batch,orders",
        STEPGATE_STANDARD_WORKFLOWS: "batch",
      });
      expect(config.workflows.map((w) => [w.name, w.async, w.type])).toEqual([
        ["workflow", true, "EXPRESS"],
        ["orders", true, "EXPRESS"],
        ["batch", true, "STANDARD"],
        ["quick", false, "EXPRESS"],
      ]);
    });

    it("lets a Standard workflow wait for a job (.sync), which an Express one cannot", () => {
      const file = waitsForAJob();
      expect(load({ STEPGATE_WORKFLOWS: `batch=${file}`, STEPGATE_ASYNC_WORKFLOWS: "batch", STEPGATE_STANDARD_WORKFLOWS: "batch" }).workflows[1].type).toBe(
        "STANDARD",
      );
      expect(problems({ STEPGATE_WORKFLOWS: `batch=${file}`, STEPGATE_ASYNC_WORKFLOWS: "batch" })).toEqual([
        expect.stringMatching(/^STEPGATE_WORKFLOWS \(batch: .*\) at \$\.States\["Job"\]\.Resource: .* waits for a job to complete \(\.sync\)/),
      ]);
    });

    it("refuses, one line each and all at once: an unknown workflow, a Standard one that is not async, a workflow named executions", () => {
      expect(
        problems({
          STEPGATE_WORKFLOWS: `executions=${seed},batch=${seed}`,
          STEPGATE_ASYNC_WORKFLOWS: "workflow,nope",
          STEPGATE_STANDARD_WORKFLOWS: "batch,other",
        }),
      ).toEqual([
        "STEPGATE_WORKFLOWS (executions, from environment): with STEPGATE_ASYNC_WORKFLOWS, GET /executions/<id> reads async executions: choose another name",
        "STEPGATE_ASYNC_WORKFLOWS (nope, from environment): no such workflow; the workflows are workflow, executions, batch (STEPGATE_WORKFLOWS adds others)",
        "STEPGATE_STANDARD_WORKFLOWS (other, from environment): no such workflow; the workflows are workflow, executions, batch (STEPGATE_WORKFLOWS adds others)",
        "STEPGATE_STANDARD_WORKFLOWS (batch, from environment): a Standard workflow must be async too, as StartSyncExecution starts Express workflows only: add it to STEPGATE_ASYNC_WORKFLOWS",
      ]);
    });

    it.each([["workflow,workflow"], ["Orders"], [","]])("refuses %j, saying what it accepts", (value) => {
      expect(problems({ STEPGATE_ASYNC_WORKFLOWS: value })).toEqual([
        `STEPGATE_ASYNC_WORKFLOWS=${JSON.stringify(value)} (from environment): expected ${SETTINGS.asyncWorkflows.accepts}`,
      ]);
    });

    it("keeps a workflow named executions while no workflow is async", () => {
      expect(load({ STEPGATE_WORKFLOWS: `executions=${seed}` }).workflows.map((w) => w.name)).toEqual(["workflow", "executions"]);
    });
  });

  describe("STEPGATE_REST_TIMEOUT_MS", () => {
    it("is 29 s by default, and takes 50 ms to Express's 5 minutes", () => {
      expect(load().restTimeoutMs).toBe(29000);
      expect([load({ STEPGATE_REST_TIMEOUT_MS: "50" }).restTimeoutMs, load({ STEPGATE_REST_TIMEOUT_MS: "300000" }).restTimeoutMs]).toEqual([50, 300000]);
    });

    it.each([["49"], ["300001"], ["1.5"], ["29 s"]])("refuses %j, saying what it accepts", (value) => {
      expect(problems({ STEPGATE_REST_TIMEOUT_MS: value })).toEqual([
        `STEPGATE_REST_TIMEOUT_MS=${JSON.stringify(value)} (from environment): expected ${SETTINGS.restTimeoutMs.accepts}`,
      ]);
    });
  });
});
