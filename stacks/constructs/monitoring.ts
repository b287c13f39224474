import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Construct } from "constructs";
import { DELIVERY_METRIC } from "./runner";
import { INTEGRATION_TIMEOUT_MS } from "./stage";

/** One metric as CloudWatch names it. */
export interface Metric {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** `Sum` for counts of events; percentiles (`p50`, `p99`) for durations. */
  readonly stat: string;
}

/** The alarms' thresholds: each alarm fires when its metric, over 5 minutes, reaches its threshold. */
export interface AlarmThresholds {
  /** REST answers with a 5xx status (an execution that FAILED answers 500 too). */
  readonly rest5xx: number;
  /** REST p99 latency, in milliseconds: API Gateway gives up at 29 s. */
  readonly restLatencyP99Ms: number;
  /** WebSocket integration errors, and execution errors, each. */
  readonly webSocketErrors: number;
  /** Failed executions of one state machine. */
  readonly executionsFailed: number;
  /** Timed-out executions of one state machine. */
  readonly executionsTimedOut: number;
  /** StartSyncExecution calls Step Functions throttled (account-wide). */
  readonly throttled: number;
}

export interface MonitoringProps {
  /** Name of the dashboard, and prefix of the alarms' names. */
  readonly name: string;
  readonly region: string;
  readonly rest: {
    readonly apiName: string;
    readonly stage: string;
    readonly url: string;
    /**
     * The synchronous workflows' integration timeout (STEPGATE_REST_TIMEOUT_MS), which the latency alarm's description names.
     * @default INTEGRATION_TIMEOUT_MS (29 000)
     */
    readonly timeoutMs?: number;
  };
  readonly webSocket: { readonly apiId: string; readonly stage: string; readonly url: string };
  /** Every state machine the APIs start, by workflow name. */
  readonly stateMachines: ReadonlyArray<{ readonly name: string; readonly arn: string }>;
  /**
   * The runner of async workflows (its state machine's name and ARN): its failed executions and its
   * failed deliveries of result frames, graphed and alarmed.
   * @default none: no workflow is async, and nothing of the runner is graphed
   */
  readonly runner?: { readonly name: string; readonly arn: string };
  readonly thresholds: AlarmThresholds;
  /** ARN of the SNS topic every alarm notifies, when it fires and when it recovers. */
  readonly topicArn: string;
}

/** Alarms' evaluation: one period of 5 minutes. */
const PERIOD_SECONDS = 300;

/**
 * A failed delivery is a client that never got its result frame (a client gone, 410, is not counted):
 * each one needs a look, so one fires the alarm.
 */
export const DELIVERIES_FAILED_THRESHOLD = 1;

/** The metrics of the REST stage (keyed by the API's name: REST metrics know no id). */
export function restMetrics(apiName: string, stage: string) {
  const m = (name: string, stat: string): Metric => ({ namespace: "AWS/ApiGateway", name, dimensions: { ApiName: apiName, Stage: stage }, stat });
  return {
    count: m("Count", "Sum"),
    errors4xx: m("4XXError", "Sum"),
    errors5xx: m("5XXError", "Sum"),
    latency: [m("Latency", "p50"), m("Latency", "p99")],
    integrationLatency: [m("IntegrationLatency", "p50"), m("IntegrationLatency", "p99")],
  };
}

/** The metrics of the WebSocket stage (keyed by the API's id). */
export function webSocketMetrics(apiId: string, stage: string) {
  const m = (name: string, stat: string): Metric => ({ namespace: "AWS/ApiGateway", name, dimensions: { ApiId: apiId, Stage: stage }, stat });
  return {
    connects: m("ConnectCount", "Sum"),
    messages: m("MessageCount", "Sum"),
    integrationErrors: m("IntegrationError", "Sum"),
    clientErrors: m("ClientError", "Sum"),
    executionErrors: m("ExecutionError", "Sum"),
    integrationLatency: [m("IntegrationLatency", "p50"), m("IntegrationLatency", "p99")],
  };
}

/** The metrics of one state machine: counts of executions (Sum), and their duration. */
export function stateMachineMetrics(arn: string) {
  const m = (name: string, stat: string): Metric => ({ namespace: "AWS/States", name, dimensions: { StateMachineArn: arn }, stat });
  return {
    started: m("ExecutionsStarted", "Sum"),
    succeeded: m("ExecutionsSucceeded", "Sum"),
    failed: m("ExecutionsFailed", "Sum"),
    timedOut: m("ExecutionsTimedOut", "Sum"),
    time: [m("ExecutionTime", "p50"), m("ExecutionTime", "p99")],
  };
}

/** Result frames the runner could not post to a client still connected (namespace stepgate, by the runner's name). */
export function deliveryMetrics(runnerName: string): { failed: Metric } {
  return {
    failed: { namespace: DELIVERY_METRIC.namespace, name: DELIVERY_METRIC.name, dimensions: { [DELIVERY_METRIC.dimension]: runnerName }, stat: "Sum" },
  };
}

/**
 * StartSyncExecution calls Step Functions throttled, account-wide. (`ExecutionThrottled` counts
 * state-transition throttling, which Express workflows do not have.)
 */
export const THROTTLED_START_SYNC_EXECUTION: Metric = {
  namespace: "AWS/States",
  name: "ThrottledEvents",
  dimensions: { APIName: "StartSyncExecution" },
  stat: "Sum",
};

/**
 * A CloudWatch dashboard of both APIs and every state machine, and alarms on what needs a person:
 * REST 5xx and latency near the 29 s limit, WebSocket integration and execution errors, failed and
 * timed-out executions of each state machine, throttled StartSyncExecution calls; and, when a workflow
 * is async, the runner's failed executions and failed deliveries.
 */
export class Monitoring extends Construct {
  readonly dashboard: CloudwatchDashboard;
  readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const rest = restMetrics(props.rest.apiName, props.rest.stage);
    const ws = webSocketMetrics(props.webSocket.apiId, props.webSocket.stage);
    const { thresholds: t } = props;

    const alarm = (id: string, metric: Metric, threshold: number, description: string, alarmName = `${props.name}-${id.replaceAll("_", "-")}`) => {
      const percentile = /^p\d+(\.\d+)?$/.test(metric.stat);
      this.alarms.push(
        new CloudwatchMetricAlarm(this, id, {
          alarmName,
          alarmDescription: description,
          namespace: metric.namespace,
          metricName: metric.name,
          dimensions: { ...metric.dimensions },
          statistic: percentile ? undefined : metric.stat,
          extendedStatistic: percentile ? metric.stat : undefined,
          period: PERIOD_SECONDS,
          evaluationPeriods: 1,
          threshold,
          comparisonOperator: "GreaterThanOrEqualToThreshold",
          treatMissingData: "notBreaching",
          alarmActions: [props.topicArn],
          okActions: [props.topicArn],
        }),
      );
    };
    alarm("rest_5xx", rest.errors5xx, t.rest5xx, "REST answers with a 5xx status (README: Monitoring)");
    alarm(
      "rest_latency_p99",
      rest.latency[1],
      t.restLatencyP99Ms,
      `REST p99 latency near API Gateway's ${(props.rest.timeoutMs ?? INTEGRATION_TIMEOUT_MS) / 1000} s limit (README: Monitoring)`,
    );
    alarm("websocket_integration_errors", ws.integrationErrors, t.webSocketErrors, "WebSocket integration errors (README: Monitoring)");
    alarm("websocket_execution_errors", ws.executionErrors, t.webSocketErrors, "WebSocket execution errors (README: Monitoring)");
    for (const machine of props.stateMachines) {
      const states = stateMachineMetrics(machine.arn);
      alarm(`${machine.name}_failed`, states.failed, t.executionsFailed, `Failed executions of workflow ${machine.name} (README: Monitoring)`);
      alarm(`${machine.name}_timed_out`, states.timedOut, t.executionsTimedOut, `Timed-out executions of workflow ${machine.name} (README: Monitoring)`);
    }
    if (props.runner) {
      // Named after the runner (<prefix>_runner), whose "_" no workflow's name has: a workflow named
      // runner keeps its own <prefix>-runner-failed, and its construct id runner_failed.
      const { name } = props.runner;
      alarm(
        "runner_executions_failed",
        stateMachineMetrics(props.runner.arn).failed,
        t.executionsFailed,
        "Failed executions of the runner of async workflows: its own faults, each answered FAILED (README: Monitoring)",
        `${name}-failed`,
      );
      alarm(
        "runner_deliveries_failed",
        deliveryMetrics(name).failed,
        DELIVERIES_FAILED_THRESHOLD,
        "Result frames the runner could not post to a connected WebSocket client (README: Monitoring)",
        `${name}-deliveries-failed`,
      );
    }
    alarm("throttled", THROTTLED_START_SYNC_EXECUTION, t.throttled, "StartSyncExecution calls throttled by Step Functions, account-wide (README: Monitoring)");

    this.dashboard = new CloudwatchDashboard(this, "dashboard", {
      dashboardName: props.name,
      dashboardBody: JSON.stringify({ widgets: dashboardWidgets(props, rest, ws) }),
    });
  }
}

type Widget = { type: string; x: number; y: number; width: number; height: number; properties: Record<string, unknown> };

function dashboardWidgets(props: MonitoringProps, rest: ReturnType<typeof restMetrics>, ws: ReturnType<typeof webSocketMetrics>): Widget[] {
  const graphs: Array<{ title: string; metrics: Metric[] }> = [
    { title: "REST: requests and errors (Sum)", metrics: [rest.count, rest.errors4xx, rest.errors5xx] },
    { title: "REST: latency, ms (p50, p99)", metrics: [...rest.latency, ...rest.integrationLatency] },
    {
      title: "WebSocket: connections, messages and errors (Sum)",
      metrics: [ws.connects, ws.messages, ws.integrationErrors, ws.clientErrors, ws.executionErrors],
    },
    { title: "WebSocket: integration latency, ms (p50, p99)", metrics: ws.integrationLatency },
    ...props.stateMachines.flatMap(({ name, arn }) => {
      const states = stateMachineMetrics(arn);
      return [
        { title: `Workflow ${name}: executions (Sum)`, metrics: [states.started, states.succeeded, states.failed, states.timedOut] },
        { title: `Workflow ${name}: execution time, ms (p50, p99)`, metrics: states.time },
      ];
    }),
    ...(props.runner ? runnerGraphs(props.runner) : []),
    { title: "Step Functions: throttled StartSyncExecution calls, account-wide (Sum)", metrics: [THROTTLED_START_SYNC_EXECUTION] },
  ];
  const text = [
    `# ${props.name}`,
    `REST: \`POST ${props.rest.url}\` (header x-api-key). WebSocket: \`${props.webSocket.url}\`.`,
    "Counts are sums over each period; latencies and execution time are the median (p50) and the slowest 1% (p99).",
    "REST 5XXError includes executions that FAILED (answered 500); 4XXError includes refused keys and bad bodies.",
    "WebSocket ExecutionError and IntegrationError are API Gateway's failures to run the route or call Step Functions.",
    "A throttled StartSyncExecution call is refused by Step Functions (the client gets 429).",
    ...(props.runner
      ? [
          `The runner (${props.runner.name}) runs the async workflows: a workflow's failure is its outcome, not the runner's; the runner fails on its own faults only.`,
          "DeliveriesFailed counts result frames the runner could not post; a client that had left (410) is not counted.",
        ]
      : []),
  ].join("\n\n");
  // The runner's two paragraphs take two more rows.
  const textHeight = props.runner ? 7 : 5;
  const widgets: Widget[] = [{ type: "text", x: 0, y: 0, width: 24, height: textHeight, properties: { markdown: text } }];
  graphs.forEach((graph, i) => {
    widgets.push({
      type: "metric",
      x: (i % 2) * 12,
      y: textHeight + Math.floor(i / 2) * 6,
      width: 12,
      height: 6,
      properties: {
        title: graph.title,
        region: props.region,
        view: "timeSeries",
        period: 60,
        metrics: graph.metrics.map((m) => [m.namespace, m.name, ...Object.entries(m.dimensions).flat(), { stat: m.stat }]),
      },
    });
  });
  return widgets;
}

/** The runner of async workflows: its executions (each an async request), and its failed deliveries. */
function runnerGraphs(runner: { name: string; arn: string }): Array<{ title: string; metrics: Metric[] }> {
  const states = stateMachineMetrics(runner.arn);
  return [
    { title: "Runner of async workflows: executions (Sum)", metrics: [states.started, states.succeeded, states.failed, states.timedOut] },
    { title: "Runner of async workflows: failed deliveries of result frames (Sum)", metrics: [deliveryMetrics(runner.name).failed] },
  ];
}
