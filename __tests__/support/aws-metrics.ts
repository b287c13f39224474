/**
 * AWS's documented metrics that stepgate's monitoring may use, written from AWS's own pages (not
 * from stepgate's code): namespace, metric, the dimensions it is published with, and the statistics
 * that mean something for it. Counts of events take Sum (never SampleCount or Average); durations
 * take percentiles.
 * - REST: "Amazon API Gateway dimensions and metrics" (REST metrics by ApiName and Stage).
 * - WebSocket: "Monitoring WebSocket API execution with CloudWatch metrics" (by ApiId and Stage).
 * - Step Functions: "Metrics for Step Functions": execution metrics by StateMachineArn; API usage
 *   metrics (ThrottledEvents) by APIName.
 */
export interface DocumentedMetric {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: readonly string[];
  readonly statistics: "count" | "duration";
}

const COUNT = "count" as const;
const DURATION = "duration" as const;

export const DOCUMENTED_METRICS: readonly DocumentedMetric[] = [
  ...["Count", "4XXError", "5XXError", "CacheHitCount", "CacheMissCount"].map((name) => ({
    namespace: "AWS/ApiGateway",
    name,
    dimensions: ["ApiName", "Stage"],
    statistics: COUNT,
  })),
  ...["Latency", "IntegrationLatency"].map((name) => ({ namespace: "AWS/ApiGateway", name, dimensions: ["ApiName", "Stage"], statistics: DURATION })),
  ...["ConnectCount", "MessageCount", "IntegrationError", "ClientError", "ExecutionError"].map((name) => ({
    namespace: "AWS/ApiGateway",
    name,
    dimensions: ["ApiId", "Stage"],
    statistics: COUNT,
  })),
  { namespace: "AWS/ApiGateway", name: "IntegrationLatency", dimensions: ["ApiId", "Stage"], statistics: DURATION },
  ...["ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted", "ExecutionThrottled"].map((name) => ({
    namespace: "AWS/States",
    name,
    dimensions: ["StateMachineArn"],
    statistics: COUNT,
  })),
  { namespace: "AWS/States", name: "ExecutionTime", dimensions: ["StateMachineArn"], statistics: DURATION },
  ...["ThrottledEvents", "ProvisionedRefillRate", "ConsumedCapacity"].map((name) => ({
    namespace: "AWS/States",
    name,
    dimensions: ["APIName"],
    statistics: COUNT,
  })),
];

/** Whether a statistic means something for a metric of this kind. */
export function statisticFits(metric: DocumentedMetric, stat: string): boolean {
  return metric.statistics === "count" ? stat === "Sum" : /^p\d{1,2}(\.\d+)?$/.test(stat) || stat === "Average" || stat === "Maximum";
}

/** The documented metric with this namespace, name and exact set of dimensions. */
export function documented(namespace: string, name: string, dimensions: readonly string[]): DocumentedMetric | undefined {
  const keys = [...dimensions].sort().join(",");
  return DOCUMENTED_METRICS.find((m) => m.namespace === namespace && m.name === name && [...m.dimensions].sort().join(",") === keys);
}
