import { STACK_IDS } from "../../stacks/stack-ids";
import { describeApplied, emulatorHolds } from "../support/apply";
import { importWhatExists } from "../support/recover";
import type { PlanJson, TerraformStackDir } from "../support/terraform";

/**
 * What a team running stepgate meets after the happy path, on the defaults applied once: drift
 * made through AWS's API, resources deleted behind Terraform's back, and an apply cancelled part
 * way. Each fault is planned (the plan must show the right actions on the right resources, and
 * nothing else), healed by the next apply (then nothing to change), and leaves the emulator
 * holding what the clean apply held, listed through its API: no orphan, no duplicate. The faults
 * run in sequence on the one applied stack, each healed before the next.
 */

/** The addresses of the defaults' resources a fault touches (pinned in addresses.test.ts). */
const API = {
  websocketStage: "aws_apigatewayv2_stage.websocket_stage_63485756",
  websocketDeployment: "aws_apigatewayv2_deployment.websocket_deployment_37958E80",
  defaultRoute: "aws_apigatewayv2_route.websocket_default_route_928C99DE",
  defaultRouteResponse: "aws_apigatewayv2_route_response.websocket_default_route_response_00D65C19",
  restIntegration: "aws_api_gateway_integration.rest_integration_6556E536",
  restDeployment: "aws_api_gateway_deployment.rest_deployment_7A40EB2A",
  restStage: "aws_api_gateway_stage.rest_stage_63DDDE7F",
  restAccessLogs: "aws_cloudwatch_log_group.rest_access_logs_E8A3496A",
  rolePolicy: "aws_iam_role_policy.start_sync_execution_policy_E8D21C69",
};
const WORKFLOW = { stateMachine: "aws_sfn_state_machine.state_machine", logGroup: "aws_cloudwatch_log_group.log_group" };

// biome-ignore lint/suspicious/noExplicitAny: a resource's attributes, as `terraform show -json` gives them
type Attributes = Record<string, any>;

/** Each resource of a stack's state, by address: its attributes, as `terraform show -json` gives them. */
async function stateOf(stack: TerraformStackDir): Promise<Record<string, Attributes>> {
  const shown = JSON.parse(await stack.terraform("show", "-json"));
  const resources: Array<{ address: string; values: Attributes }> = shown.values?.root_module?.resources ?? [];
  return Object.fromEntries(resources.map((r) => [r.address, r.values]));
}

/**
 * The addresses Terraform's errors name (`with <address>,` under each `Error:`), of the errors
 * whose text matches `pattern`.
 */
function named(output: string, pattern: RegExp): Set<string> {
  return new Set(
    output
      .split(/^(?:\W*\s)?Error: /m)
      .slice(1)
      .filter((error) => pattern.test(error.split(/^\W*\s*with /m)[0]))
      .flatMap((error) => /^\W*\s*with ([\w.[\]"-]+),$/m.exec(error)?.[1] ?? []),
  );
}

/** What a plan would do, resource by resource, leaving out what it leaves alone (no-op) and what it only reads. */
function changes(plan: PlanJson | undefined): Record<string, string> {
  return Object.fromEntries(
    (plan?.resource_changes ?? [])
      .filter((c) => c.mode === "managed" && !(c.change.actions.length === 1 && ["no-op", "read"].includes(c.change.actions[0])))
      .map((c) => [c.address, c.change.actions.join(", ")]),
  );
}

describeApplied("the defaults, through drift, resources deleted behind Terraform's back and a cancelled apply", { env: {} }, (applied) => {
  /** What the clean apply left: every resource and its parts, as the emulator lists them. */
  let clean: { inventory: string[]; parts: string[] };
  const held = emulatorHolds;
  const stacks = () => applied().stacks;
  const region = () => applied().regions[0];
  const call = (service: string, operation: string, params: Record<string, unknown>) => applied().aws.call(service, operation, params, region());

  /**
   * The api and workflow plans: what each would change. Planned side by side (neither writes
   * state); each plan is kept in its stack's folder (tfplan), which `heal` applies.
   */
  async function plans(): Promise<{ api: Record<string, string>; workflow: Record<string, string> }> {
    const [workflow, api] = await Promise.all([stacks()[STACK_IDS.workflow].planChanges(true), stacks()[STACK_IDS.api].planChanges(true)]);
    return { workflow: changes(workflow.json), api: changes(api.json) };
  }

  /**
   * Applies workflow, then api; then both plan nothing, and the emulator holds what the clean apply
   * held, and besides only the `byHand` parts a fault made (Terraform never knew them: not
   * stepgate's to remove).
   */
  async function heal(byHand: string[] = [], ids: string[] = [STACK_IDS.workflow, STACK_IDS.api]): Promise<void> {
    // The plans the fault's test showed, as a pipeline applies what its review showed (the api
    // plan stays valid: a workflow healed in place keeps its outputs).
    for (const id of ids) await stacks()[id].terraform("apply", "-auto-approve", "-input=false", "-no-color", "tfplan");
    expect(await plans()).toEqual({ workflow: {}, api: {} });
    expect(await held(applied())).toEqual({ inventory: clean.inventory, parts: [...clean.parts, ...byHand].sort() });
  }

  it("lists what the clean apply holds, its parts included", async () => {
    clean = await held(applied());
    expect(clean.parts).toEqual(
      expect.arrayContaining([
        "apigateway:deployment stepgate-rest staged",
        "apigateway:stage stepgate-rest api on a deployment",
        "apigatewayv2:route stepgate-websocket $default to an integration",
        "apigatewayv2:deployment stepgate-websocket staged",
        "iam:role-policy stepgate-start-sync-execution start-sync-execution",
      ]),
    );
  });

  describe("drift: changed through AWS's API", () => {
    it("a stage's throttling, a REST mapping template, a WebSocket route's target, the state machine's definition: each planned as an in-place update of its own resource, nothing else", async () => {
      const api = await stateOf(stacks()[STACK_IDS.api]);
      const workflow = await stateOf(stacks()[STACK_IDS.workflow]);
      const stage = api[API.websocketStage];
      await call("apigatewayv2", "update_stage", {
        ApiId: stage.api_id,
        StageName: stage.name,
        DefaultRouteSettings: { ThrottlingRateLimit: 1, ThrottlingBurstLimit: 1 },
      });
      const integration = api[API.restIntegration];
      await call("apigateway", "update_integration", {
        restApiId: integration.rest_api_id,
        resourceId: integration.resource_id,
        httpMethod: integration.http_method,
        patchOperations: [{ op: "replace", path: "/requestTemplates/application~1json", value: '{"input": "{}"}' }],
      });
      const route = api[API.defaultRoute];
      const mock = await call("apigatewayv2", "create_integration", { ApiId: route.api_id, IntegrationType: "MOCK" });
      await call("apigatewayv2", "update_route", { ApiId: route.api_id, RouteId: route.id, Target: `integrations/${mock.IntegrationId}` });
      await call("stepfunctions", "update_state_machine", {
        stateMachineArn: workflow[WORKFLOW.stateMachine].arn,
        definition: JSON.stringify({ StartAt: "Drifted", States: { Drifted: { Type: "Succeed" } } }),
      });

      expect(await plans()).toEqual({
        workflow: { [WORKFLOW.stateMachine]: "update" },
        api: { [API.websocketStage]: "update", [API.restIntegration]: "update", [API.defaultRoute]: "update" },
      });
    });

    it("the next apply restores stepgate's values; then nothing to change, and nothing more than the clean apply held but the integration made by hand", async () => {
      await heal(["apigatewayv2:integration stepgate-websocket MOCK "]);
      const api = await stateOf(stacks()[STACK_IDS.api]);
      const stage = await call("apigatewayv2", "get_stage", { ApiId: api[API.websocketStage].api_id, StageName: api[API.websocketStage].name });
      expect(stage.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 });
      const route = api[API.defaultRoute];
      expect((await call("apigatewayv2", "get_route", { ApiId: route.api_id, RouteId: route.id })).Target).toBe(route.target);
      const { Items } = await call("apigatewayv2", "get_integrations", { ApiId: route.api_id });
      for (const mock of Items.filter((i: { IntegrationType: string }) => i.IntegrationType === "MOCK"))
        await call("apigatewayv2", "delete_integration", { ApiId: route.api_id, IntegrationId: mock.IntegrationId });
      expect(await held(applied())).toEqual(clean);
    });
  });

  describe("disappears: deleted through AWS's API", () => {
    it("the REST deployment, a WebSocket route, a stage's log group, the state machine's log group, the API Gateway role's policy: each planned to be made again, with what must follow it, nothing else", async () => {
      const api = await stateOf(stacks()[STACK_IDS.api]);
      const workflow = await stateOf(stacks()[STACK_IDS.workflow]);
      // AWS refuses to delete a deployment a stage uses: the stage is moved to a new deployment
      // first (as the console's "Deploy API" does), then the old one can go.
      const rest = api[API.restStage];
      const byHand = await call("apigateway", "create_deployment", { restApiId: rest.rest_api_id, description: "by hand" });
      await call("apigateway", "update_stage", {
        restApiId: rest.rest_api_id,
        stageName: rest.stage_name,
        patchOperations: [{ op: "replace", path: "/deploymentId", value: byHand.id }],
      });
      await call("apigateway", "delete_deployment", { restApiId: rest.rest_api_id, deploymentId: api[API.restDeployment].id });
      await call("apigatewayv2", "delete_route", { ApiId: api[API.defaultRoute].api_id, RouteId: api[API.defaultRoute].id });
      await call("logs", "delete_log_group", { logGroupName: api[API.restAccessLogs].name });
      await call("logs", "delete_log_group", { logGroupName: workflow[WORKFLOW.logGroup].name });
      const policy = api[API.rolePolicy];
      await call("iam", "delete_role_policy", { RoleName: policy.role, PolicyName: policy.name });

      expect(await plans()).toEqual({
        // its logging destination is the new log group's ARN, known once it is made
        workflow: { [WORKFLOW.logGroup]: "create", [WORKFLOW.stateMachine]: "update" },
        api: {
          [API.restDeployment]: "create",
          // back from the deployment made by hand to stepgate's
          [API.restStage]: "update",
          [API.defaultRoute]: "create",
          // a route's responses go with it
          [API.defaultRouteResponse]: "create",
          // a new snapshot of the routes, the stage moved to it
          [API.websocketDeployment]: "create, delete",
          [API.websocketStage]: "update",
          [API.restAccessLogs]: "create",
          [API.rolePolicy]: "create",
        },
      });
    });

    it("the next apply makes each again; then nothing to change, and nothing more than the clean apply held but the deployment made by hand, no stage on it", async () => {
      await heal(["apigateway:deployment stepgate-rest unstaged"]);
      const rest = (await stateOf(stacks()[STACK_IDS.api]))[API.restStage];
      const { items } = await call("apigateway", "get_deployments", { restApiId: rest.rest_api_id });
      const byHand = items.filter((d: { description?: string }) => d.description === "by hand");
      expect(byHand).toHaveLength(1);
      await call("apigateway", "delete_deployment", { restApiId: rest.rest_api_id, deploymentId: byHand[0].id });
      expect(await held(applied())).toEqual(clean);
    });
  });

  describe("a cancelled apply", () => {
    /** What the interrupted apply's errors name as cancelled: made in AWS, perhaps, but not in the state. */
    let cancelled: Set<string>;

    it("api applied from nothing and interrupted (SIGINT, as Ctrl-C or a cancelled CI job) once resources exist: Terraform stops, keeping in its state each resource it said it made", async () => {
      const api = stacks()[STACK_IDS.api];
      const total = Object.keys(await stateOf(api)).filter((a) => !a.startsWith("data.")).length;
      await api.destroy();
      const run = await api.applyInterrupted("SIGINT", (out) => (out.match(/Creation complete after/g) ?? []).length >= 10);
      expect(run.ended).not.toBe("exit 0");
      expect(`${run.stdout}${run.stderr}`).toMatch(/Interrupt received/);
      const kept = Object.keys(await stateOf(api)).filter((a) => !a.startsWith("data."));
      const made = [...run.stdout.matchAll(/^(\S+): Creation complete after/gm)].map((m) => m[1]);
      expect(made.length).toBeGreaterThanOrEqual(10);
      expect(kept).toEqual(expect.arrayContaining(made));
      expect(kept.length).toBeLessThan(total);
      cancelled = named(`${run.stdout}\n${run.stderr}`, /cancel/i);
    });

    it("the next deploy, as the docs say (each resource an error named as cancelled imported if it exists, then apply), converges: then nothing to change, and nothing more than the clean apply held", async () => {
      const imported = await importWhatExists(applied(), stacks()[STACK_IDS.api], (address) => cancelled.has(address));
      for (const { address } of imported) expect(cancelled).toContain(address);
      await heal([], []);
    });

    it("a resource that exists but that the state does not know (what that race leaves): the next apply stops with AWS's conflict naming it; imported as the docs say, the stack converges", async () => {
      const api = stacks()[STACK_IDS.api];
      await api.terraform("state", "rm", API.defaultRoute);
      const next = await api.apply().then(
        () => "applied",
        (e: Error) => e.message,
      );
      expect(next).toMatch(/ConflictException: Route with key \$default already exists for this API/);
      const conflicts = named(next, /ConflictException/);
      expect([...conflicts]).toEqual([API.defaultRoute]);
      expect(await importWhatExists(applied(), api, (address) => conflicts.has(address))).toEqual([
        { address: API.defaultRoute, type: "aws_apigatewayv2_route", id: expect.stringMatching(/^\w+\/\w+$/) },
      ]);
      await heal([], []);
    });
  });
});
