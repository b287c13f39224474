import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import * as fs from "node:fs";
import * as path from "node:path";
import { Monitoring, type MonitoringProps } from "../../stacks/constructs/monitoring";
import { DELIVERY_METRIC, RUNNER_DEFINITION_FILE } from "../../stacks/constructs/runner";
import { TEMPLATES_DIR } from "../../stacks/constructs/template-file";
import { documented, statisticFits } from "../support/aws-metrics";
import { configWith, only, resources, synthApi, synthScope } from "../support/stacks";

const PROPS: MonitoringProps = {
  name: "test",
  region: "eu-west-1",
  rest: { apiName: "test-rest", stage: "v1", url: "https://rest.example/v1" },
  webSocket: { apiId: "ws-id", stage: "live", url: "wss://ws.example/live" },
  stateMachines: [
    { name: "workflow", arn: "arn:aws:states:eu-west-1:123456789012:stateMachine:test-workflow" },
    { name: "orders", arn: "arn:aws:states:eu-west-1:123456789012:stateMachine:test-orders" },
  ],
  thresholds: { rest5xx: 5, restLatencyP99Ms: 25000, webSocketErrors: 4, executionsFailed: 3, executionsTimedOut: 2, throttled: 1 },
  topicArn: "arn:aws:sns:eu-west-1:123456789012:test-alarms",
};

/** What every alarm has: missing data not breaching, one 5-minute period, the topic told when it fires and when it recovers. */
const EVERY_ALARM = {
  treat_missing_data: "notBreaching",
  comparison_operator: "GreaterThanOrEqualToThreshold",
  period: 300,
  evaluation_periods: 1,
  alarm_actions: [PROPS.topicArn],
  ok_actions: [PROPS.topicArn],
};
const synthesized = synthScope((scope) => new Monitoring(scope, "monitoring", PROPS));
const dashboard = JSON.parse(only(synthesized, "aws_cloudwatch_dashboard").props.dashboard_body);
const alarms = resources(synthesized, "aws_cloudwatch_metric_alarm").map((r) => r.props);

type Widget = { type: string; properties: { metrics?: unknown[][]; region?: string; markdown?: string } };
/** Every metric of the dashboard's graphs: namespace, name, dimensions and statistic. */
const graphed = (dashboard.widgets as Widget[]).flatMap((w) =>
  (w.properties.metrics ?? []).map((line) => {
    const [namespace, name, ...rest] = line as [string, string, ...unknown[]];
    const options = rest.pop() as { stat: string };
    const dims = rest as string[];
    const dimensions = Object.fromEntries(dims.flatMap((d, i) => (i % 2 === 0 ? [[d, dims[i + 1]]] : [])));
    return { namespace, name, dimensions, stat: options.stat };
  }),
);
const alarmed = alarms.map((a) => ({ namespace: a.namespace, name: a.metric_name, dimensions: a.dimensions, stat: a.statistic ?? a.extended_statistic }));
/** Which resource a metric is about: REST by its name, WebSocket by its id, a state machine by its ARN. */
const RESOURCE_BY_DIMENSION: Record<string, string[]> = {
  ApiName: [PROPS.rest.apiName],
  ApiId: [PROPS.webSocket.apiId],
  StateMachineArn: PROPS.stateMachines.map((m) => m.arn),
  APIName: ["StartSyncExecution"],
  Stage: [PROPS.rest.stage, PROPS.webSocket.stage],
};

describe("Monitoring", () => {
  it.each([
    ["dashboard", graphed],
    ["alarms", alarmed],
  ])("uses, in its %s, only AWS's documented metrics with their dimensions and a statistic that fits (Sum for counts)", (_what, metrics) => {
    expect(metrics.length).toBeGreaterThan(5);
    for (const m of metrics) {
      const doc = documented(m.namespace, m.name, Object.keys(m.dimensions));
      expect([m.name, doc === undefined ? "undocumented" : "documented"]).toEqual([m.name, "documented"]);
      if (doc) expect([m.name, m.stat, statisticFits(doc, m.stat)]).toEqual([m.name, m.stat, true]);
    }
  });

  it("names in every metric a resource this deployment creates", () => {
    for (const m of [...graphed, ...alarmed]) {
      for (const [dimension, value] of Object.entries(m.dimensions as Record<string, string>)) expect(RESOURCE_BY_DIMENSION[dimension]).toContain(value);
    }
  });

  it("graphs what the issue lists for each API, every workflow and StartSyncExecution throttling, and nothing of ExecutionThrottled", () => {
    const names = (filter: (m: (typeof graphed)[number]) => boolean) => graphed.filter(filter).map((m) => `${m.name}/${m.stat}`);
    expect(names((m) => m.dimensions.ApiName === "test-rest")).toEqual([
      "Count/Sum",
      "4XXError/Sum",
      "5XXError/Sum",
      "Latency/p50",
      "Latency/p99",
      "IntegrationLatency/p50",
      "IntegrationLatency/p99",
    ]);
    expect(names((m) => m.dimensions.ApiId === "ws-id")).toEqual([
      "ConnectCount/Sum",
      "MessageCount/Sum",
      "IntegrationError/Sum",
      "ClientError/Sum",
      "ExecutionError/Sum",
      "IntegrationLatency/p50",
      "IntegrationLatency/p99",
    ]);
    for (const { arn } of PROPS.stateMachines) {
      expect(names((m) => m.dimensions.StateMachineArn === arn)).toEqual([
        "ExecutionsStarted/Sum",
        "ExecutionsSucceeded/Sum",
        "ExecutionsFailed/Sum",
        "ExecutionsTimedOut/Sum",
        "ExecutionTime/p50",
        "ExecutionTime/p99",
      ]);
    }
    expect(names((m) => m.dimensions.APIName === "StartSyncExecution")).toEqual(["ThrottledEvents/Sum"]);
    expect(graphed.map((m) => m.name)).not.toContain("ExecutionThrottled");
  });

  it("is a dashboard named as it is told, in the stack's region, with a text widget that gives the URLs and reads the graphs", () => {
    expect(synthesized).toHaveResourceWithProperties(CloudwatchDashboard, { dashboard_name: "test" });
    const widgets = dashboard.widgets as Widget[];
    expect(widgets.filter((w) => w.type === "metric").every((w) => w.properties.region === "eu-west-1")).toBe(true);
    const text = widgets.find((w) => w.type === "text")?.properties.markdown ?? "";
    expect(text).toContain(PROPS.rest.url);
    expect(text).toContain(PROPS.webSocket.url);
    expect(text).toMatch(/p99/);
  });

  it("alarms on REST 5xx and p99 latency, WebSocket errors, each workflow's failed and timed-out executions, and throttling, at the given thresholds", () => {
    const byName = Object.fromEntries(alarms.map((a) => [a.alarm_name, [a.metric_name, a.statistic ?? a.extended_statistic, a.threshold]]));
    expect(byName).toEqual({
      "test-rest-5xx": ["5XXError", "Sum", 5],
      "test-rest-latency-p99": ["Latency", "p99", 25000],
      "test-websocket-integration-errors": ["IntegrationError", "Sum", 4],
      "test-websocket-execution-errors": ["ExecutionError", "Sum", 4],
      "test-workflow-failed": ["ExecutionsFailed", "Sum", 3],
      "test-workflow-timed-out": ["ExecutionsTimedOut", "Sum", 2],
      "test-orders-failed": ["ExecutionsFailed", "Sum", 3],
      "test-orders-timed-out": ["ExecutionsTimedOut", "Sum", 2],
      "test-throttled": ["ThrottledEvents", "Sum", 1],
    });
  });

  it("treats missing data as not breaching, and notifies the topic when an alarm fires and when it recovers", () => {
    for (const a of alarms) expect(a).toMatchObject(EVERY_ALARM);
  });
});

describe("Monitoring, with the runner of async workflows", () => {
  const runner = { name: "test_runner", arn: "arn:aws:states:eu-west-1:123456789012:stateMachine:test_runner" };
  // A workflow named runner too: its alarms and the runner's must stay apart.
  const withRunner: MonitoringProps = {
    ...PROPS,
    stateMachines: [...PROPS.stateMachines, { name: "runner", arn: "arn:aws:states:eu-west-1:123456789012:stateMachine:test-runner" }],
    runner,
  };
  const synthesizedWithRunner = synthScope((scope) => new Monitoring(scope, "monitoring", withRunner));
  const body = JSON.parse(only(synthesizedWithRunner, "aws_cloudwatch_dashboard").props.dashboard_body);
  const runnerAlarms = resources(synthesizedWithRunner, "aws_cloudwatch_metric_alarm").map((r) => r.props);
  const metricsOf = (widgets: Widget[]) =>
    widgets.flatMap((w) =>
      (w.properties.metrics ?? []).map((line) => {
        const [namespace, name, ...rest] = line as [string, string, ...unknown[]];
        const { stat } = rest.pop() as { stat: string };
        return { namespace, name, dimensions: Object.fromEntries((rest as string[]).flatMap((d, i, all) => (i % 2 === 0 ? [[d, all[i + 1]]] : []))), stat };
      }),
    );
  const graphedWithRunner = metricsOf(body.widgets as Widget[]);

  /** The metric the runner's definition puts when a delivery fails: read from templates/runner.asl.json, not from the code. */
  const put = (() => {
    const definition = JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, RUNNER_DEFINITION_FILE), "utf8"));
    const states = Object.values(definition.States as Record<string, { Resource?: string; Parameters?: Record<string, unknown> }>);
    const putters = states.filter((s) => s.Resource === "arn:aws:states:::aws-sdk:cloudwatch:putMetricData");
    expect(putters).toHaveLength(1);
    const parameters = putters[0].Parameters as {
      Namespace: string;
      MetricData: Array<{ MetricName: string; Dimensions: Array<Record<string, string>>; Unit: string }>;
    };
    expect(parameters.MetricData).toHaveLength(1);
    const [datum] = parameters.MetricData;
    expect(datum.Dimensions).toHaveLength(1);
    return {
      namespace: parameters.Namespace,
      name: datum.MetricName,
      dimension: datum.Dimensions[0].Name,
      value: datum.Dimensions[0]["Value.$"],
      unit: datum.Unit,
    };
  })();

  it("alarms on the runner's failed executions, by its ARN, at the failed-executions threshold, named after the runner", () => {
    expect(synthesizedWithRunner).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      alarm_name: "test_runner-failed",
      namespace: "AWS/States",
      metric_name: "ExecutionsFailed",
      dimensions: { StateMachineArn: runner.arn },
      statistic: "Sum",
      threshold: PROPS.thresholds.executionsFailed,
    });
  });

  it("alarms on the first failed delivery, on the very metric the runner's definition puts: its namespace, name, and its own name as the dimension", () => {
    expect(put).toEqual({ namespace: "stepgate", name: "DeliveriesFailed", dimension: "Runner", value: "$$.StateMachine.Name", unit: "Count" });
    expect(synthesizedWithRunner).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      alarm_name: "test_runner-deliveries-failed",
      namespace: put.namespace,
      metric_name: put.name,
      dimensions: { [put.dimension]: runner.name },
      statistic: "Sum",
      threshold: 1,
    });
  });

  it("graphs the runner's executions and its failed deliveries, and says in the text widget what they count", () => {
    const names = (filter: (m: (typeof graphedWithRunner)[number]) => boolean) => graphedWithRunner.filter(filter).map((m) => `${m.name}/${m.stat}`);
    expect(names((m) => m.dimensions.StateMachineArn === runner.arn)).toEqual([
      "ExecutionsStarted/Sum",
      "ExecutionsSucceeded/Sum",
      "ExecutionsFailed/Sum",
      "ExecutionsTimedOut/Sum",
    ]);
    expect(graphedWithRunner.filter((m) => m.namespace === put.namespace)).toEqual([
      { namespace: put.namespace, name: put.name, dimensions: { [put.dimension]: runner.name }, stat: "Sum" },
    ]);
    const text = (body.widgets as Widget[]).find((w) => w.type === "text")?.properties.markdown ?? "";
    expect(text).toContain(runner.name);
    expect(text).toContain("DeliveriesFailed");
    expect(text).toContain("410");
  });

  it("uses, besides the runner's own metric, only AWS's documented metrics, each naming a resource this deployment creates", () => {
    const runnerResources = {
      ...RESOURCE_BY_DIMENSION,
      StateMachineArn: withRunner.stateMachines.map((m) => m.arn).concat(runner.arn),
      [put.dimension]: [runner.name],
    };
    const alarmedWithRunner = runnerAlarms.map((a) => ({
      namespace: a.namespace,
      name: a.metric_name,
      dimensions: a.dimensions,
      stat: a.statistic ?? a.extended_statistic,
    }));
    for (const m of [...graphedWithRunner, ...alarmedWithRunner]) {
      if (m.namespace === put.namespace)
        expect(m).toEqual({ namespace: put.namespace, name: put.name, dimensions: { [put.dimension]: runner.name }, stat: "Sum" });
      else {
        const doc = documented(m.namespace, m.name, Object.keys(m.dimensions));
        expect([m.name, doc !== undefined && statisticFits(doc, m.stat)]).toEqual([m.name, true]);
      }
      for (const [dimension, value] of Object.entries(m.dimensions as Record<string, string>)) expect(runnerResources[dimension]).toContain(value);
    }
  });

  it("keeps the runner's alarms apart from those of a workflow named runner, and every alarm's name unique", () => {
    const names = runnerAlarms.map((a) => a.alarm_name as string);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(["test-runner-failed", "test-runner-timed-out", "test_runner-failed", "test_runner-deliveries-failed"]));
  });

  it("treats missing data as not breaching (no failed delivery, no data), and notifies the topic as every alarm does", () => {
    for (const a of runnerAlarms) expect(a).toMatchObject(EVERY_ALARM);
  });

  it("adds nothing of the runner without one: no runner's graph, alarm or text", () => {
    expect(graphed.filter((m) => m.namespace === put.namespace)).toEqual([]);
    expect(alarms.map((a) => a.alarm_name)).not.toContain("test_runner-failed");
    expect(JSON.stringify(dashboard)).not.toContain("runner");
  });
});

describe("Monitoring in the api stack", () => {
  it("watches the runner the workflow stack's state names, <prefix>_runner, once a workflow is async", () => {
    const api = synthApi(configWith({ STEPGATE_PREFIX: "pay", STEPGATE_ASYNC_WORKFLOWS: "workflow" }));
    expect(api).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      alarm_name: "pay_runner-failed",
      dimensions: { StateMachineArn: "${local.workflow_runner_arn}" },
    });
    expect(api).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      alarm_name: "pay_runner-deliveries-failed",
      dimensions: { [DELIVERY_METRIC.dimension]: "pay_runner" },
    });
  });

  it("has no runner's alarm while no workflow is async", () => {
    const names = resources(synthApi(configWith({ STEPGATE_PREFIX: "pay" })), "aws_cloudwatch_metric_alarm").map((a) => a.props.alarm_name);
    expect(names.length).toBeGreaterThan(5);
    expect(names.filter((n) => String(n).includes("runner"))).toEqual([]);
  });
});

describe("Monitoring's REST latency alarm", () => {
  const description = (timeoutMs?: number) =>
    only(
      synthScope((scope) => new Monitoring(scope, "monitoring", { ...PROPS, rest: { ...PROPS.rest, timeoutMs } })),
      "aws_cloudwatch_metric_alarm",
      (a) => a.alarm_name === "test-rest-latency-p99",
    ).props.alarm_description;

  it("names the REST integration timeout it watches: 29 s by default, STEPGATE_REST_TIMEOUT_MS when raised", () => {
    expect(description()).toBe("REST p99 latency near API Gateway's 29 s limit (README: Monitoring)");
    expect(description(120000)).toBe("REST p99 latency near API Gateway's 120 s limit (README: Monitoring)");
    const api = synthApi(configWith({ STEPGATE_REST_TIMEOUT_MS: "90000" }));
    expect(api).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      alarm_description: "REST p99 latency near API Gateway's 90 s limit (README: Monitoring)",
    });
  });
});
