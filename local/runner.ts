import { ExecutionAbortedError, ExecutionError, StateMachine } from "aws-local-stepfunctions";
import { forEachState } from "../stacks/config/states";
import { errorBody, type LocalStepFunctions, MAX_INPUT_BYTES, readStartRequest, type ServiceResponse } from "./step-functions";
import { LOCAL_ACCOUNT, type SynthesizedStateMachine } from "./synthesized";

/**
 * The runner of async workflows (templates/runner.asl.json), run locally: its own definition, as
 * the workflow stack synthesized it, on aws-local-stepfunctions, with each of its Task states
 * served here as Step Functions' integrations would: `states:startExecution.sync` runs the
 * workflow's local state machine, `apigateway:invoke` posts to a local WebSocket connection,
 * `aws-sdk:cloudwatch:putMetricData` counts. Its executions are kept in memory, by name, for
 * StartExecution and DescribeExecution as API Gateway calls them.
 */

/** A JSON value, as aws-local-stepfunctions passes one to a Task's local handler. */
type JSONValue = Parameters<StateMachine["run"]>[0];

/** API Gateway's limit on a WebSocket frame: a larger result frame is refused with 413. */
export const MAX_FRAME_BYTES = 128 * 1024;

/** Where a result frame goes: the runner input's `reply`. */
export interface Reply {
  readonly endpoint: string;
  readonly stage: string;
  readonly connectionId: string;
}

/** What posting a frame to a connection did: sent, the connection is gone (API Gateway's 410), or not this API's (403). */
export type Delivery = "sent" | "gone" | "forbidden";

export interface LocalRunnerProps {
  readonly region: string;
  /** The runner's state machine, as synthesized. */
  readonly runner: SynthesizedStateMachine;
  /** The local state machine of a workflow, by its ARN; undefined when there is none. */
  readonly workflow: (stateMachineArn: string) => LocalStepFunctions | undefined;
  /** Posts a frame to a connection (POST /@connections/{id}). */
  readonly deliver: (reply: Reply, frame: string) => Delivery;
  /** Where a counted metric and a failed delivery are said. @default nowhere */
  readonly log?: (line: string) => void;
}

/** A runner execution, as DescribeExecution answers it (times in milliseconds). */
export interface RunnerExecution {
  readonly executionArn: string;
  readonly name: string;
  readonly input: string;
  readonly startDate: number;
  status: "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  /** Settles when the execution ended. */
  readonly ended: Promise<void>;
}

/** A metric the runner put (PutMetricData), as it put it. */
export interface PutMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: ReadonlyArray<{ readonly Name: string; readonly Value: string }>;
  readonly value: number;
}

/**
 * A Task's timeout when its state sets none: Step Functions' is 99999999 s, aws-local-stepfunctions'
 * 60 s, which would end a runner whose workflow takes longer; this is the longest a Node timer waits.
 */
const TASK_TIMEOUT_SECONDS = Math.floor(2 ** 31 / 1000) - 1;

const RESOURCES = {
  startExecutionSync: ["arn:aws:states:::states:startExecution.sync", "arn:aws:states:::states:startExecution.sync:2"],
  invoke: ["arn:aws:states:::apigateway:invoke"],
  putMetricData: ["arn:aws:states:::aws-sdk:cloudwatch:putMetricData"],
};

/** An error of a Task state, named as Step Functions names it, for the definition's Retry and Catch. */
class TaskError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

export class LocalRunner {
  /** Every execution started, by name. */
  readonly executions = new Map<string, RunnerExecution>();
  /** Every metric put, in order. */
  readonly metrics: PutMetric[] = [];
  private readonly machine: StateMachine;
  private readonly handlers: Record<string, (input: JSONValue) => Promise<JSONValue>> = {};
  private readonly running = new Set<() => void>();

  constructor(private readonly props: LocalRunnerProps) {
    // A copy to adapt (not structuredClone: aws-local-stepfunctions takes only this realm's plain objects for payload templates).
    const definition = JSON.parse(JSON.stringify(props.runner.definition)) as Record<string, unknown>;
    forEachState(definition, (state, name) => {
      if (state.Type !== "Task") return;
      const resource = String(state.Resource);
      if (state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) {
        (state as Record<string, unknown>).TimeoutSeconds = TASK_TIMEOUT_SECONDS;
      }
      if (RESOURCES.startExecutionSync.includes(resource)) this.handlers[name] = (input) => this.startExecutionSync(input, resource.endsWith(":2"));
      else if (RESOURCES.invoke.includes(resource)) this.handlers[name] = async (input) => this.invoke(input);
      else if (RESOURCES.putMetricData.includes(resource)) this.handlers[name] = async (input) => this.putMetricData(input);
      else throw new Error(`the runner's state ${name} calls ${resource}, which the local gateway does not serve`);
    });
    // The definition was validated at synth.
    this.machine = new StateMachine(definition as never, { validationOptions: { noValidate: true } });
  }

  /** StartExecution of the runner: 200 with the execution's ARN and start date, or Step Functions' refusal. */
  startExecution(requestBody: string): ServiceResponse {
    const { runner, region } = this.props;
    const request = readStartRequest(requestBody, runner.arn);
    if ("refused" in request) return request.refused;
    const name = request.name ?? crypto.randomUUID();
    const existing = this.executions.get(name);
    if (existing !== undefined) {
      // Step Functions answers the same start again for the same input, and refuses another.
      if (existing.input !== request.input || existing.status !== "RUNNING") {
        return errorBody("ExecutionAlreadyExists", `Execution Already Exists: '${existing.executionArn}'`);
      }
      return { statusCode: 200, body: JSON.stringify({ executionArn: existing.executionArn, startDate: existing.startDate / 1000 }) };
    }
    const executionArn = `arn:aws:states:${region}:${LOCAL_ACCOUNT}:execution:${runner.name}:${name}`;
    const startDate = Date.now();
    const run = this.machine.run(request.parsedInput as JSONValue, {
      overrides: { taskResourceLocalHandlers: this.handlers },
      context: {
        Execution: { Id: executionArn, Name: name, RoleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/${runner.name}` },
        StateMachine: { Id: runner.arn, Name: runner.name },
      },
    });
    this.running.add(run.abort);
    const execution: RunnerExecution = {
      executionArn,
      name,
      input: request.input,
      startDate,
      status: "RUNNING",
      ended: run.result
        .then(
          (output) => {
            execution.status = "SUCCEEDED";
            execution.output = JSON.stringify(output);
          },
          (e: unknown) => {
            if (e instanceof ExecutionAbortedError) {
              execution.status = "ABORTED";
              return;
            }
            const error = e instanceof ExecutionError && e.cause instanceof Error ? e.cause : (e as Error);
            execution.status = "FAILED";
            execution.error = error.name;
            execution.cause = error.message;
          },
        )
        .finally(() => {
          execution.stopDate = Date.now();
          this.running.delete(run.abort);
        }),
    };
    this.executions.set(name, execution);
    return { statusCode: 200, body: JSON.stringify({ executionArn, startDate: startDate / 1000 }) };
  }

  /** DescribeExecution of a runner execution: its description, or InvalidArn / ExecutionDoesNotExist as Step Functions answers them. */
  describeExecution(requestBody: string): ServiceResponse {
    let executionArn: unknown;
    try {
      executionArn = (JSON.parse(requestBody) as { executionArn?: unknown }).executionArn;
    } catch (e) {
      return { statusCode: 400, body: JSON.stringify({ __type: "com.amazon.coral.service#SerializationException", Message: (e as Error).message }) };
    }
    const arn = String(executionArn ?? "");
    if (!/^arn:aws:states:[a-z0-9-]+:\d{12}:(execution|express):[^:]+:[^:]+(:[^:]+)?$/.test(arn)) {
      return errorBody("InvalidArn", `Invalid Arn: 'Resource type not valid in this context: ${arn.split(":")[5] ?? arn}'`);
    }
    const execution = this.executions.get(arn.split(":")[7]);
    if (execution === undefined || execution.executionArn !== arn) return errorBody("ExecutionDoesNotExist", `Execution Does Not Exist: '${arn}'`);
    const { runner } = this.props;
    const ended = execution.status !== "RUNNING";
    return {
      statusCode: 200,
      body: JSON.stringify({
        executionArn: execution.executionArn,
        stateMachineArn: runner.arn,
        name: execution.name,
        status: execution.status,
        startDate: execution.startDate / 1000,
        ...(ended && execution.stopDate !== undefined ? { stopDate: execution.stopDate / 1000 } : {}),
        input: execution.input,
        inputDetails: { included: true },
        ...(execution.output !== undefined ? { output: execution.output, outputDetails: { included: true } } : {}),
        ...(execution.error !== undefined ? { error: execution.error } : {}),
        ...(execution.cause !== undefined ? { cause: execution.cause } : {}),
        redriveCount: 0,
        redriveStatus: "NOT_REDRIVABLE",
      }),
    };
  }

  /** Aborts every execution still running (the workflows' are aborted by their own state machines). */
  close(): void {
    for (const abort of this.running) abort();
    this.running.clear();
  }

  /**
   * `states:startExecution.sync`: runs the workflow to its end. SUCCEEDED: DescribeExecution's
   * answer (PascalCase, Output as JSON text, or parsed with `.sync:2`); any other end fails the task
   * with States.TaskFailed and that answer, as JSON, as its cause, as Step Functions does.
   */
  private async startExecutionSync(input: JSONValue, parsedOutput: boolean): Promise<JSONValue> {
    const { StateMachineArn, Input, Name } = (input ?? {}) as { StateMachineArn?: unknown; Input?: unknown; Name?: unknown };
    const arn = String(StateMachineArn);
    const workflow = this.props.workflow(arn);
    if (workflow === undefined) {
      throw new TaskError("StepFunctions.StateMachineDoesNotExistException", `State Machine Does Not Exist: '${arn}' (Service: Sfn, Status Code: 400)`);
    }
    const inputText = typeof Input === "string" ? Input : JSON.stringify(Input ?? {});
    const request = readStartRequest(JSON.stringify({ stateMachineArn: arn, input: inputText, name: Name }), arn);
    if ("refused" in request) {
      const refusal = JSON.parse(request.refused.body) as { __type?: string; message?: string };
      const type = String(refusal.__type ?? "").replace(/^.*#/, "");
      // Named as the integration names the service's errors: StepFunctions.<name>Exception.
      const name = `StepFunctions.${type.endsWith("Exception") ? type : `${type}Exception`}`;
      throw new TaskError(name, `${refusal.message ?? type} (Service: Sfn, Status Code: 400)`);
    }
    const end = await workflow.run(request.parsedInput, request.name);
    const description = {
      ExecutionArn: end.executionArn,
      Input: request.input,
      InputDetails: { Included: true },
      Name: end.name,
      StartDate: end.startDate,
      StateMachineArn: arn,
      Status: end.status,
      StopDate: end.stopDate,
      ...(end.status === "SUCCEEDED"
        ? { Output: parsedOutput ? (JSON.parse(end.output ?? "null") as JSONValue) : end.output, OutputDetails: { Included: true } }
        : { Error: end.error, Cause: end.cause }),
    };
    if (end.status !== "SUCCEEDED") throw new TaskError("States.TaskFailed", JSON.stringify(description));
    // The task's result must fit a state's 256 KB, as on Step Functions.
    if (Buffer.byteLength(JSON.stringify(description), "utf8") > MAX_INPUT_BYTES) {
      throw new TaskError("States.DataLimitExceeded", "The state/task returned a result with a size exceeding the maximum number of bytes service limit.");
    }
    return description as JSONValue;
  }

  /** `apigateway:invoke` of POST /@connections/{id}: the body, as JSON, sent to that connection; 410 when it is gone, 413 over 128 KB. */
  private invoke(input: JSONValue): JSONValue {
    const { ApiEndpoint, Stage, Method, Path, RequestBody } = (input ?? {}) as Record<string, JSONValue>;
    const connectionId = /^\/@connections\/(.+)$/.exec(String(Path))?.[1];
    if (Method !== "POST" || connectionId === undefined) {
      throw new TaskError("ApiGateway.403", JSON.stringify({ message: "Forbidden" }));
    }
    const frame = typeof RequestBody === "string" ? RequestBody : JSON.stringify(RequestBody);
    if (Buffer.byteLength(frame, "utf8") > MAX_FRAME_BYTES) {
      throw new TaskError("ApiGateway.413", JSON.stringify({ message: "Request Entity Too Large" }));
    }
    const delivery = this.props.deliver({ endpoint: String(ApiEndpoint), stage: String(Stage), connectionId: decodeURIComponent(connectionId) }, frame);
    if (delivery === "gone") throw new TaskError("ApiGateway.410", JSON.stringify({ message: "Gone" }));
    if (delivery === "forbidden") throw new TaskError("ApiGateway.403", JSON.stringify({ message: "Forbidden" }));
    return { ResponseBody: {}, StatusCode: 200, StatusText: "OK", Headers: {} };
  }

  /** `aws-sdk:cloudwatch:putMetricData`: kept in `metrics`, and said. */
  private putMetricData(input: JSONValue): JSONValue {
    const { Namespace, MetricData } = (input ?? {}) as { Namespace?: string; MetricData?: Array<Record<string, unknown>> };
    for (const datum of MetricData ?? []) {
      const metric: PutMetric = {
        namespace: String(Namespace),
        metricName: String(datum.MetricName),
        dimensions: (datum.Dimensions ?? []) as PutMetric["dimensions"],
        value: Number(datum.Value ?? 1),
      };
      this.metrics.push(metric);
      this.props.log?.(`metric ${metric.namespace}/${metric.metricName} +${metric.value} ${metric.dimensions.map((d) => `${d.Name}=${d.Value}`).join(",")}`);
    }
    return {};
  }
}
