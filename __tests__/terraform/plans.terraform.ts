import * as fs from "node:fs";
import * as path from "node:path";
import { summarize } from "../../.ci/plan-summary";
import { STACK_IDS } from "../../stacks/stack-ids";
import { s3StateKey } from "../../stacks/state";
import { FAKE_ACCOUNT } from "../support/fake-aws";
import { type FakeS3, startFakeS3 } from "../support/fake-s3";
import { PROJECT_DIR, synthesizeToFolder } from "../support/stacks";
import { describeNeeding, limiter, type PlanJson, stopTerraform, TerraformStackDir, terraformSetup, workflowStateWith } from "../support/terraform";

/**
 * The synthesized stacks, run through Terraform with the real AWS provider: init and validate of
 * every stack, plans of workflow and then api (first on an empty backend, a review plan, then
 * reading a workflow state the test writes), and an apply of api the empty backend refuses. AWS
 * calls go to fakes on loopback. A stack only validated gets
 * `init -backend=false` (Terraform Cloud cannot be reached offline). A plan validates too: where a
 * stack is planned, no separate validate runs; a stack with the same bytes as one already run is
 * not run again. Plans cost a few seconds each (the provider starts three times), so each variant
 * plans what it changes.
 */
const setup = terraformSetup();
const LABEL = setup.available ? `: terraform ${setup.terraformVersion}, hashicorp/aws ${setup.providerVersion} (${setup.source})` : "";

const WORKFLOW_ARN = `arn:aws:states:us-east-1:${FAKE_ACCOUNT}:stateMachine:stepgate-workflow`;
const PLACEHOLDER_ARN = "arn:aws:states:us-east-1:000000000000:stateMachine:stepgate-workflow";
const ORDERS_ARN = `arn:aws:states:us-east-1:${FAKE_ACCOUNT}:stateMachine:stepgate-orders`;
const ORDERS_PLACEHOLDER_ARN = "arn:aws:states:us-east-1:000000000000:stateMachine:stepgate-orders";
const S3 = { STEPGATE_BACKEND: "s3", STEPGATE_S3_BUCKET: "acme-terraform-state" };
const DOMAINS = { STEPGATE_REST_DOMAIN_NAME: "api.example.com", STEPGATE_WS_DOMAIN_NAME: "ws.example.com" };

interface Variant {
  readonly env: Record<string, string>;
  /** Stacks planned (api: on an empty backend for review, then reading the state the test writes); every other stack is validated. */
  readonly plan: readonly string[];
  /** For api: only the plan reading the state the test writes. */
  readonly onlyWithState?: true;
  /** api applied instead of validated (an apply validates too), on its empty backend: it must be refused. */
  readonly applyApi?: true;
  /**
   * For api: the workflow states written in turn, each followed by a plan; a review plan where the
   * state lacks a workflow's state machine (without the variable it would stop).
   * @default one state as this project wrote it before STEPGATE_WORKFLOWS: state_machine_arn only
   */
  readonly states?: ReadonlyArray<{ readonly outputs: Record<string, string | Record<string, string>>; readonly review?: true }>;
}
const VARIANTS: Record<string, Variant> = {
  default: { env: {}, plan: ["workflow", "api"] },
  s3: { env: S3, plan: ["api"] },
  cloud: { env: { STEPGATE_BACKEND: "cloud", STEPGATE_TFC_ORGANIZATION: "acme", STEPGATE_TFC_PROJECT: "payments" }, plan: [] },
  "managed account": { env: { STEPGATE_APIGW_ACCOUNT: "managed" }, plan: ["apigw-account"] },
  // Planned settings share plans where they touch different resources (each plan costs seconds of CPU).
  "KMS key (create), $connect AWS_IAM, CORS (one origin)": {
    env: { STEPGATE_LOG_KMS_KEY: "create", STEPGATE_WS_CONNECT_AUTH: "AWS_IAM", STEPGATE_CORS_ORIGINS: "https://app.example.com" },
    plan: ["api"],
    onlyWithState: true,
  },
  "custom domains (zone), COGNITO (scopes, no key)": {
    env: {
      ...DOMAINS,
      STEPGATE_HOSTED_ZONE_ID: "Z0123456789ABC",
      STEPGATE_REST_AUTH: "COGNITO",
      STEPGATE_COGNITO_USER_POOL_ARNS: "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC123",
      STEPGATE_COGNITO_SCOPES: "stepgate/invoke",
      STEPGATE_REST_API_KEY_REQUIRED: "false",
    },
    plan: ["api"],
    onlyWithState: true,
  },
  // Settings that only need validating, validated together (each init and validate costs seconds of CPU);
  // api by an apply, which its empty backend must refuse.
  "KMS key (ARN), $connect API_KEY, CORS (several origins), custom domains (certificate ARN), AWS_IAM, WAF": {
    env: {
      STEPGATE_LOG_KMS_KEY: "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000",
      STEPGATE_WS_CONNECT_AUTH: "API_KEY",
      STEPGATE_CORS_ORIGINS: "https://app.example.com,http://localhost:3000",
      ...DOMAINS,
      STEPGATE_CERTIFICATE_ARN: "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000",
      STEPGATE_REST_AUTH: "AWS_IAM",
      STEPGATE_REST_WAF_ACL_ARN: "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/acl/0123abcd-0000-0000-0000-000000000000",
    },
    plan: [],
    applyApi: true,
  },
  // Upgrade: an api planned with new workflows against a workflow state written before them, then
  // against one with state_machine_arns.
  workflows: {
    env: { STEPGATE_WORKFLOWS: "orders=templates/workflow.asl.json" },
    plan: ["workflow", "api"],
    states: [
      { outputs: { state_machine_arn: WORKFLOW_ARN }, review: true },
      { outputs: { state_machine_arn: WORKFLOW_ARN, state_machine_arns: { workflow: WORKFLOW_ARN, orders: ORDERS_ARN } } },
    ],
  },
};

interface StackRun {
  readonly ran: "validate" | "plan" | "refused apply" | "same bytes as another variant";
  /** For the api stack: the plan on an empty backend, then the plan reading the workflow state the test wrote. */
  readonly plans: ReadonlyArray<{ text: string; json?: PlanJson }>;
  /** For a refused apply: what Terraform said, and the resources in the stack's state after it. */
  readonly refused?: Awaited<ReturnType<TerraformStackDir["tryApply"]>> & { readonly resources: unknown[] };
}
type VariantRun = Record<string, StackRun>;

/** The state machine ARNs a plan's text shows (the api stack's templates and policy hold it). */
const arnsIn = (text: string) => [...new Set(text.match(/arn:aws:states:[\w-]+:\d+:stateMachine:[\w-]+/g))];
/** Terraform's text as one line: it wraps a diagnostic's message at 78 columns. */
const oneLine = (text: string) => text.replace(/\s+/g, " ");
/** The api stack's check block's warning, naming the workflows that have no state machine yet. */
const reviewWarning = (workflows: string) =>
  `for review only: the workflow stack's state has no state machine for ${workflows} yet, so this plan shows placeholders in account 000000000000, and applying api is refused until workflow is applied (npx cdktf deploy workflow)`;

describeNeeding(setup.available ? undefined : setup.reason, `Terraform on the synthesized stacks${LABEL}`, () => {
  // Generous: on a loaded 2-core machine the first plans queue behind each other (a quiet one needs about a third of this).
  jest.setTimeout(600_000);
  let aws: FakeS3;
  const runs: Record<string, Promise<VariantRun>> = {};
  const seen = new Map<string, string>();

  beforeAll(async () => {
    aws = await startFakeS3();
    if (!setup.available) return;
    const queue = limiter(3);
    for (const [name, variant] of Object.entries(VARIANTS)) runs[name] = runVariant(name, variant, queue);
    // Each test awaits its variant; a failure is reported there, not here.
    await Promise.allSettled(Object.values(runs));
  });
  afterAll(async () => {
    await stopTerraform();
    await aws?.close();
  });

  async function runVariant(name: string, variant: Variant, queue: ReturnType<typeof limiter>): Promise<VariantRun> {
    if (!setup.available) throw new Error("unreachable");
    const outdir = synthesizeToFolder(variant.env);
    const ids = fs.readdirSync(path.join(outdir, "stacks")).sort();
    const run: VariantRun = {};
    const stackRun = async (id: string): Promise<StackRun> => {
      const stack = new TerraformStackDir(path.join(outdir, "stacks", id), setup);
      const applied = variant.applyApi === true && id === STACK_IDS.api;
      const planned = variant.plan.includes(id);
      stack.useFakes(planned || applied ? aws : undefined);
      const bytes = fs.readFileSync(path.join(stack.dir, "cdk.tf.json"), "utf8");
      if (!planned && !applied && seen.has(bytes)) return { ran: "same bytes as another variant", plans: [] };
      seen.set(bytes, name);
      return queue(async () => {
        // A validate needs no backend (and cloud's cannot be reached offline).
        await stack.init(planned || applied);
        if (applied) return { ran: "refused apply" as const, plans: [], refused: await refusedApply(stack, outdir) };
        if (!planned) {
          await stack.terraform("validate", "-no-color");
          return { ran: "validate" as const, plans: [] };
        }
        // JSON (terraform show -json, a provider start more) only where a test reads it: the summary's.
        const json = name === "default" && id === STACK_IDS.api;
        if (id !== STACK_IDS.api) return { ran: "plan" as const, plans: [await stack.plan({ json })] };
        const plans = variant.onlyWithState ? [] : [await stack.plan({ json, review: true })];
        for (const { outputs, review } of variant.states ?? [{ outputs: { state_machine_arn: WORKFLOW_ARN } }]) {
          writeWorkflowState(outdir, variant, outputs);
          plans.push(await stack.plan({ review }));
        }
        return { ran: "plan" as const, plans };
      });
    };
    await Promise.all(ids.map(async (id) => (run[id] = await stackRun(id))));
    return run;
  }

  /** An apply of the api stack, as `cdktf deploy api` runs it, and the resources in its state after it (local backend). */
  async function refusedApply(stack: TerraformStackDir, outdir: string): Promise<StackRun["refused"]> {
    const apply = await stack.tryApply();
    const state = path.join(outdir, "..", "terraform.api.tfstate");
    return { ...apply, resources: fs.existsSync(state) ? JSON.parse(fs.readFileSync(state, "utf8")).resources : [] };
  }

  /** The workflow state as an apply would leave it, where the variant's backend keeps it. */
  function writeWorkflowState(outdir: string, variant: Variant, outputs: Record<string, string | Record<string, string>>) {
    if (!setup.available) return;
    const state = workflowStateWith(outputs, setup.terraformVersion);
    if (variant.env.STEPGATE_BACKEND === "s3") {
      aws.objects.set(`${S3.STEPGATE_S3_BUCKET}/${s3StateKey("stepgate", "workflow")}`, Buffer.from(state));
    } else {
      fs.writeFileSync(path.join(outdir, "..", "terraform.workflow.tfstate"), state);
    }
  }

  describe.each(Object.keys(VARIANTS))("%s", (name) => {
    it("inits and validates every synthesized stack (a plan validates too)", async () => {
      const run = await runs[name];
      const expected = name === "managed account" ? ["api", "apigw-account", "workflow"] : ["api", "workflow"];
      expect(Object.keys(run).sort()).toEqual(expected);
      for (const id of VARIANTS[name].plan) expect([id, run[id].ran]).toEqual([id, "plan"]);
      if (VARIANTS[name].applyApi) expect(run.api.ran).toBe("refused apply");
    });
  });

  it("plans the workflow: its four resources, with the definition checked by Step Functions", async () => {
    const [plan] = (await runs.default).workflow.plans;
    expect(plan.text).toContain("Plan: 4 to add, 0 to change, 0 to destroy.");
    // Every change Terraform shows, whatever its action ("will be created", "must be replaced"...).
    expect([...plan.text.matchAll(/^ {2}# (\S+) (?:will|must) be /gm)].map((m) => m[1]).sort()).toEqual([
      "aws_cloudwatch_log_group.log_group",
      "aws_iam_role.role",
      "aws_iam_role_policy.role_policy",
      "aws_sfn_state_machine.state_machine",
    ]);
    expect(aws.apiCalls).toContain("AWSStepFunctions.ValidateStateMachineDefinition");
  });

  it.each([["default"], ["s3"]])(
    "%s: plans api for review on an empty backend, with the visible placeholder and the check's warning, then, with no variable, reads the workflow state once it exists, with no warning",
    async (name) => {
      const [first, second] = (await runs[name]).api.plans;
      // 33 for the APIs, 12 for monitoring (on by default): dashboard, 7 alarms, topic, its policy, key and alias.
      expect(first.text).toContain("Plan: 45 to add, 0 to change, 0 to destroy.");
      expect(first.text).toContain('+ resource "aws_cloudwatch_dashboard"');
      expect(arnsIn(first.text)).toEqual([PLACEHOLDER_ARN]);
      expect(first.text).toContain("Warning: Check block assertion failed");
      expect(oneLine(first.text)).toContain(reviewWarning("workflow"));
      expect(second.text).toContain("Plan: 45 to add, 0 to change, 0 to destroy.");
      expect(arnsIn(second.text)).toEqual([WORKFLOW_ARN]);
      expect(second.text).not.toContain("Warning:");
      if (name === "s3") expect(aws.requests).toContain(`GET ${S3.STEPGATE_S3_BUCKET}/${s3StateKey("stepgate", "workflow")}`);
    },
  );

  it("refuses to apply api while the workflow stack is not applied, in one line naming it, and creates nothing", async () => {
    const { refused } = (await runs["KMS key (ARN), $connect API_KEY, CORS (several origins), custom domains (certificate ARN), AWS_IAM, WAF"]).api;
    expect(refused?.applied).toBe(false);
    expect(refused?.stderr).toContain("Error: Resource precondition failed");
    expect(oneLine(refused?.stderr ?? "")).toContain(
      "apply the workflow stack first: its state has no state machine for workflow yet, so this api would call placeholders in account 000000000000 (npx cdktf deploy workflow)",
    );
    // Refused while planning: Terraform never reached the apply, and no variant asked AWS to create anything.
    expect(refused?.stdout).toContain("Terraform planned the following actions, but then encountered a problem:");
    expect(refused?.stdout).not.toMatch(/Creating\.\.\.|Apply complete/);
    expect(refused?.resources).toEqual([]);
    expect(aws.apiCalls.filter((call) => !/^(GetCallerIdentity|GetUser|AWSStepFunctions\.ValidateStateMachineDefinition)$/.test(call))).toEqual([]);
    expect(aws.requests.filter((request) => !/^(GET|HEAD|PUT|DELETE) acme-terraform-state\//.test(request))).toEqual([]);
  });

  it("workflows: plans a state machine, role and log group per workflow, and the output state_machine_arns", async () => {
    const [plan] = (await runs.workflows).workflow.plans;
    expect(plan.text).toContain("Plan: 8 to add, 0 to change, 0 to destroy.");
    expect(plan.text).toMatch(/\+ state_machine_arns += \{\n\s+\+ orders += \(known after apply\)\n\s+\+ workflow += \(known after apply\)/);
  });

  it("workflows: plans api on an empty backend with both placeholders, then against a workflow state written before state_machine_arns, then with it", async () => {
    const [empty, old, current] = (await runs.workflows).api.plans;
    // 33 as before, and for orders: a resource, a method, its integration, 6 method and 3 integration responses; a route, its response, integration and integration response;
    // then monitoring's 12, and orders' two alarms.
    for (const plan of [empty, old, current]) expect(plan.text).toContain("Plan: 63 to add, 0 to change, 0 to destroy.");
    expect(arnsIn(empty.text).sort()).toEqual([PLACEHOLDER_ARN, ORDERS_PLACEHOLDER_ARN].sort());
    expect(arnsIn(old.text).sort()).toEqual([WORKFLOW_ARN, ORDERS_PLACEHOLDER_ARN].sort());
    expect(arnsIn(current.text).sort()).toEqual([WORKFLOW_ARN, ORDERS_ARN].sort());
    // The review plans warn of exactly the workflows that have no state machine yet, in the settings' order.
    expect(oneLine(empty.text)).toContain(reviewWarning("workflow, orders"));
    expect(oneLine(old.text)).toContain(reviewWarning("orders"));
    expect(current.text).not.toContain("Warning:");
  });

  it("summarizes the first api plan exactly as docs/plans-in-pull-requests.md shows it, with Terraform's own count line, and the check's warning at the top", async () => {
    const [first] = (await runs.default).api.plans;
    const { markdown } = summarize(first.json ?? {}, "api");
    expect(markdown).toContain(`\n${first.text.split("\n").find((l) => l.startsWith("Plan: "))}\n`);
    // The review plan of an empty backend: the warning first, then what changes, as docs/plans-in-pull-requests.md shows it.
    const warning = ["> [!CAUTION]", "> **Checks failed** (Terraform warns and plans on):", `> - \`check.workflow_applied\`: ${reviewWarning("workflow")}`, ""];
    expect(markdown.split("\n").slice(0, 2 + warning.length)).toEqual(["### Plan of `api`", "", ...warning]);
    const page = fs.readFileSync(path.join(PROJECT_DIR, "docs", "plans-in-pull-requests.md"), "utf8");
    expect(page.match(/```markdown\n([\s\S]*?)```/)?.[1]).toBe(markdown.replace(`${warning.join("\n")}\n`, ""));
  });

  it("KMS key (create): plans the api stack's key and its alias, and encrypts its four log groups with it", async () => {
    const [plan] = (await runs["KMS key (create), $connect AWS_IAM, CORS (one origin)"]).api.plans;
    // 45, the key and its alias, $connect's route and mock integration, and CORS's 6.
    expect(plan.text).toContain("Plan: 55 to add, 0 to change, 0 to destroy.");
    expect(plan.text).toContain('+ resource "aws_kms_key" "logs_key_514BF2D1"');
    expect(plan.text.match(/\+ kms_key_id += \(known after apply\)/g)).toHaveLength(4);
  });

  it("$connect AWS_IAM: plans the $connect route with IAM authorization", async () => {
    const [plan] = (await runs["KMS key (create), $connect AWS_IAM, CORS (one origin)"]).api.plans;
    expect(plan.text).toMatch(/\+ authorization_type += "AWS_IAM"/);
    expect(plan.text).toMatch(/\+ route_key += "\$connect"/);
  });

  it("CORS (one origin): plans the preflight and the gateway responses, each with the origin", async () => {
    const [plan] = (await runs["KMS key (create), $connect AWS_IAM, CORS (one origin)"]).api.plans;
    expect(plan.text).toMatch(/\+ http_method += "OPTIONS"/);
    expect(plan.text.match(/\+ response_type += "DEFAULT_[45]XX"/g)).toHaveLength(2);
    expect(plan.text.match(/"gatewayresponse\.header\.Access-Control-Allow-Origin" += "'https:\/\/app\.example\.com'"/g)).toHaveLength(2);
  });

  it("custom domains (zone): plans the certificate, its validation records keyed by name, both domains and their aliases", async () => {
    const [plan] = (await runs["custom domains (zone), COGNITO (scopes, no key)"]).api.plans;
    // 45, the domains' 10, and COGNITO's authorizer.
    expect(plan.text).toContain("Plan: 56 to add, 0 to change, 0 to destroy.");
    for (const name of ["api.example.com", "ws.example.com"]) {
      expect(plan.text).toContain(`aws_route53_record.custom_domains_certificate_validation_record_7FB99F9E["${name}"] will be created`);
    }
    expect(plan.text.match(/\+ security_policy += "TLS_1_2"/g)).toHaveLength(2);
  });

  it("COGNITO (scopes, no key): plans the user pool authorizer and the POST method that takes its access tokens", async () => {
    const [plan] = (await runs["custom domains (zone), COGNITO (scopes, no key)"]).api.plans;
    expect(plan.text).toMatch(/\+ type += "COGNITO_USER_POOLS"/);
    expect(plan.text).toMatch(/\+ authorization += "COGNITO_USER_POOLS"/);
    expect(plan.text).toMatch(/\+ api_key_required += false/);
  });
});
