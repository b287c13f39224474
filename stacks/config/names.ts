/** Names derived from the prefix, each with the longest name AWS accepts. */
export interface ResourceNames {
  readonly stateMachine: string;
  readonly stateMachineRole: string;
  readonly stateMachineLogGroup: string;
  readonly startSyncExecutionRole: string;
  readonly websocketApi: string;
  readonly restApi: string;
  readonly usagePlan: string;
  readonly apiKey: string;
  readonly websocketAccessLogGroup: string;
  readonly restAccessLogGroup: string;
  readonly dashboard: string;
  readonly alarmTopic: string;
}

export function resourceNames(prefix: string): ResourceNames {
  return {
    stateMachine: `${prefix}-workflow`,
    stateMachineRole: `${prefix}-workflow`,
    stateMachineLogGroup: `/aws/vendedlogs/states/${prefix}-workflow`,
    startSyncExecutionRole: `${prefix}-start-sync-execution`,
    websocketApi: `${prefix}-websocket`,
    restApi: `${prefix}-rest`,
    usagePlan: `${prefix}-rest`,
    apiKey: `${prefix}-rest`,
    websocketAccessLogGroup: `/aws/apigateway/${prefix}-websocket/access`,
    restAccessLogGroup: `/aws/apigateway/${prefix}-rest/access`,
    dashboard: prefix,
    alarmTopic: `${prefix}-alarms`,
  };
}

const NAME_LIMITS: Record<keyof ResourceNames, number> = {
  stateMachine: 80,
  stateMachineRole: 64,
  stateMachineLogGroup: 512,
  startSyncExecutionRole: 64,
  websocketApi: 128,
  restApi: 1024,
  usagePlan: 1024,
  apiKey: 1024,
  websocketAccessLogGroup: 512,
  restAccessLogGroup: 512,
  dashboard: 255,
  alarmTopic: 256,
};

/** The longest prefix whose every derived name fits its AWS limit. */
export const MAX_PREFIX_LENGTH = Math.min(...Object.entries(resourceNames("")).map(([key, name]) => NAME_LIMITS[key as keyof ResourceNames] - name.length));
