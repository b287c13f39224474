import * as fs from "node:fs";
import * as path from "node:path";
import { describeApplied } from "../support/apply";

/** A definition other than the template's: STEPGATE_DEFINITION and one of the workflows use it. */
const GREETING = { StartAt: "Greet", States: { Greet: { Type: "Pass", Result: { greeting: "hello" }, End: true } } };

// Three workflows, each with its own definition file, under another prefix, stage names, limits,
// quota, tags and alarm thresholds; alarms mailed; CORS; REST signed with SigV4 (and the API key).
// API Gateway throttles its management API (about ten requests a second per account): here every
// third write to it is answered TooManyRequestsException once, from the apply to the destroy.
const THROTTLED_EVERY = 3;
describeApplied(
  "three workflows, alarm e-mails, CORS, REST AWS_IAM, another prefix, stages, limits, tags",
  {
    env: {
      STEPGATE_PREFIX: "acme-payments",
      STEPGATE_ALARM_EMAILS: "ops@example.com,oncall@example.com",
      STEPGATE_CORS_ORIGINS: "https://app.example.com,http://localhost:3000",
      STEPGATE_REST_AUTH: "AWS_IAM",
      STEPGATE_WS_STAGE: "live",
      STEPGATE_REST_STAGE: "v1",
      STEPGATE_WS_RATE_LIMIT: "50",
      STEPGATE_WS_BURST_LIMIT: "100",
      STEPGATE_REST_RATE_LIMIT: "25.5",
      STEPGATE_REST_BURST_LIMIT: "40",
      STEPGATE_QUOTA_LIMIT: "5000",
      STEPGATE_QUOTA_PERIOD: "MONTH",
      STEPGATE_TAGS: "team=payments,cost-center=42",
      STEPGATE_ALARM_REST_5XX: "10",
      STEPGATE_ALARM_REST_LATENCY_P99_MS: "20000",
      STEPGATE_ALARM_WS_ERRORS: "3",
      STEPGATE_ALARM_EXECUTIONS_FAILED: "2",
      STEPGATE_ALARM_EXECUTIONS_TIMED_OUT: "4",
      STEPGATE_ALARM_THROTTLED: "6",
    },
    seed: async (aws, root) => {
      await aws.throttleApiGateway(THROTTLED_EVERY);
      const greeting = path.join(root, "greeting.asl.json");
      fs.writeFileSync(greeting, JSON.stringify(GREETING));
      return { STEPGATE_DEFINITION: greeting, STEPGATE_WORKFLOWS: `orders=templates/workflow.asl.json,refunds=${greeting}` };
    },
  },
  (applied) => {
    it(`applies though every ${THROTTLED_EVERY}rd write to API Gateway was answered 429 TooManyRequestsException once: each retried until it passed`, async () => {
      const requests = await applied().aws.requests();
      const throttled = requests.filter((r) => r.status === 429);
      const passed = new Set(requests.filter((r) => r.status < 300).map((r) => r.digest));
      const writes = requests.filter((r) => r.service === "apigateway" && r.method !== "GET");
      // How many the apply met: more than none, or nothing was proven.
      process.stderr.write(`throttled: ${throttled.length} of ${writes.length} writes to API Gateway answered 429\n`);
      expect(throttled.length).toBeGreaterThan(0);
      expect(throttled.every((r) => r.service === "apigateway" && r.method !== "GET")).toBe(true);
      expect(throttled.filter((r) => !passed.has(r.digest))).toEqual([]);
    });

    it("makes a state machine per workflow, each with its own definition", async () => {
      const { aws, outputs } = applied();
      const { state_machine_arns } = (await outputs("workflow")) as { state_machine_arns: Record<string, string> };
      expect(Object.keys(state_machine_arns).sort()).toEqual(["orders", "refunds", "workflow"]);
      const definitions: Record<string, unknown> = {};
      for (const [name, arn] of Object.entries(state_machine_arns)) {
        const machine = await aws.call("stepfunctions", "describe_state_machine", { stateMachineArn: arn });
        expect([machine.name, machine.type]).toEqual([`acme-payments-${name}`, "EXPRESS"]);
        definitions[name] = JSON.parse(machine.definition);
      }
      expect(definitions.workflow).toEqual(GREETING);
      expect(definitions.refunds).toEqual(GREETING);
      expect(definitions.orders).not.toEqual(GREETING);
    });

    it("subscribes each alarm e-mail to the alarm topic", async () => {
      const { Subscriptions } = await applied().aws.call("sns", "list_subscriptions");
      expect(
        Subscriptions.map((s: { Endpoint: string; Protocol: string; TopicArn: string }) => [s.Protocol, s.Endpoint, s.TopicArn.split(":").pop()]).sort(),
      ).toEqual([
        ["email", "oncall@example.com", "acme-payments-alarms"],
        ["email", "ops@example.com", "acme-payments-alarms"],
      ]);
    });
  },
);
