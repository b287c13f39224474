import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine } from "aws-local-stepfunctions";
import { randomUUID } from "node:crypto";
import { forEachState } from "../stacks/config/states";
import { LOCAL_ACCOUNT } from "./synthesized";

/** An answer of Step Functions' API: its HTTP status and JSON body. */
export interface ServiceResponse {
  readonly statusCode: number;
  readonly body: string;
}

export interface LocalStepFunctionsProps {
  readonly region: string;
  readonly stateMachine: {
    readonly arn: string;
    readonly name: string;
    readonly definition: Record<string, unknown>;
    /** @default EXPRESS */
    readonly type?: "EXPRESS" | "STANDARD";
  };
  /** Multiplies Wait states' durations: 0 for tests, 1 for real time. */
  readonly waitScale: number;
}

/** Step Functions' limit on an execution's input, in UTF-8 bytes. */
export const MAX_INPUT_BYTES = 262144;

/** How an execution ended, as Step Functions describes it (times in milliseconds). */
export interface ExecutionEnd {
  readonly executionArn: string;
  readonly name: string;
  readonly startDate: number;
  readonly stopDate: number;
  readonly status: "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";
  /** The output as the JSON text Step Functions keeps, when it SUCCEEDED. */
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

/** A start request (StartSyncExecution, StartExecution) as Step Functions reads it: its refusal, or the input and name. */
export type StartRequest = { readonly refused: ServiceResponse } | { readonly input: string; readonly parsedInput: unknown; readonly name?: string };

/** Reads a start request for the state machine `stateMachineArn`, refusing what Step Functions refuses. */
export function readStartRequest(requestBody: string, stateMachineArn: string): StartRequest {
  let request: { stateMachineArn?: unknown; input?: unknown; name?: unknown };
  try {
    request = JSON.parse(requestBody);
  } catch (e) {
    return { refused: { statusCode: 400, body: JSON.stringify({ __type: "com.amazon.coral.service#SerializationException", Message: (e as Error).message }) } };
  }
  if (request.stateMachineArn !== stateMachineArn) {
    return { refused: errorBody("StateMachineDoesNotExist", `State Machine Does Not Exist: '${String(request.stateMachineArn)}'`) };
  }
  const input = typeof request.input === "string" ? request.input : "{}";
  if (Buffer.byteLength(input, "utf8") > MAX_INPUT_BYTES) {
    return {
      refused: errorBody(
        "ValidationException",
        `1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to ${MAX_INPUT_BYTES}`,
      ),
    };
  }
  let parsedInput: unknown;
  try {
    parsedInput = JSON.parse(input);
  } catch (e) {
    return { refused: errorBody("InvalidExecutionInput", `Invalid State Machine Execution Input: '${(e as Error).message}'`) };
  }
  if (request.name !== undefined) {
    const refused = nameRefusal(request.name);
    if (refused) return { refused };
  }
  return { input, parsedInput, name: typeof request.name === "string" ? request.name : undefined };
}

/** The error of Step Functions' API: 400 and its JSON body. */
export const errorBody = (type: string, message: string): ServiceResponse => ({
  statusCode: 400,
  body: JSON.stringify({ __type: `com.amazonaws.swf.service.v2.model#${type}`, message }),
});

/**
 * StartSyncExecution of one Express state machine, on aws-local-stepfunctions: the request API
 * Gateway's template produced goes in, the response Step Functions would send comes out
 * (200 with the execution's status, output or error and cause; 400 when it refuses the call).
 */
export class LocalStepFunctions {
  private readonly machine: StateMachine;
  private readonly waitTimeOverrides: Record<string, number>;
  /** Executions still running, each with its abort: an execution outlives the request API Gateway gave up on. */
  private readonly running = new Set<() => void>();

  constructor(private readonly props: LocalStepFunctionsProps) {
    // The definition was validated at synth.
    this.machine = new StateMachine(props.stateMachine.definition as never, { validationOptions: { noValidate: true } });
    this.waitTimeOverrides = scaledWaits(props.stateMachine.definition, props.waitScale);
  }

  async startSyncExecution(requestBody: string): Promise<ServiceResponse> {
    const request = readStartRequest(requestBody, this.props.stateMachine.arn);
    if ("refused" in request) return request.refused;
    const { executionArn, name, startDate, stopDate, status, output, error, cause } = await this.run(request.parsedInput, request.name);
    const outcome = status === "SUCCEEDED" ? { status, output, outputDetails: { included: true } } : { status, error, cause };
    return {
      statusCode: 200,
      body: JSON.stringify({
        executionArn,
        stateMachineArn: this.props.stateMachine.arn,
        name,
        startDate: startDate / 1000,
        stopDate: stopDate / 1000,
        ...outcome,
        input: request.input,
        inputDetails: { included: true },
        billingDetails: { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: Math.max(100, Math.ceil((stopDate - startDate) / 100) * 100) },
      }),
    };
  }

  /** Runs one execution of an input Step Functions accepted (see `readStartRequest`) to its end. */
  async run(input: unknown, name: string = randomUUID()): Promise<ExecutionEnd> {
    const { region, stateMachine } = this.props;
    // A Standard execution's ARN names it; an Express one's adds an id, as names may repeat.
    const executionArn =
      stateMachine.type === "STANDARD"
        ? `arn:aws:states:${region}:${LOCAL_ACCOUNT}:execution:${stateMachine.name}:${name}`
        : `arn:aws:states:${region}:${LOCAL_ACCOUNT}:express:${stateMachine.name}:${name}:${randomUUID()}`;
    const startDate = Date.now();
    const execution = this.machine.run(input as never, {
      overrides: { waitTimeOverrides: this.waitTimeOverrides },
      context: { Execution: { Id: executionArn, Name: name }, StateMachine: { Id: stateMachine.arn, Name: stateMachine.name } },
    });
    this.running.add(execution.abort);
    const outcome = await execution.result
      .finally(() => this.running.delete(execution.abort))
      .then(
        (output) => ({ status: "SUCCEEDED" as const, output: JSON.stringify(output) }),
        (e: unknown) => {
          if (e instanceof ExecutionTimeoutError) return { status: "TIMED_OUT" as const, error: "States.Timeout", cause: "The execution timed out." };
          if (e instanceof ExecutionAbortedError) return { status: "ABORTED" as const };
          const error = e instanceof ExecutionError && e.cause instanceof Error ? e.cause : (e as Error);
          return { status: "FAILED" as const, error: error.name, cause: error.message };
        },
      );
    return { executionArn, name, startDate, stopDate: Date.now(), ...outcome };
  }

  /** Aborts every execution still running (their Wait timers with them): their answers have nobody to go to. */
  close(): void {
    for (const abort of this.running) abort();
    this.running.clear();
  }
}

/**
 * Why Step Functions refuses an execution name: 1 to 80 characters (ValidationException), none of
 * whitespace, brackets, wildcards, the special characters it lists, or control characters
 * (InvalidName).
 */
export function nameRefusal(name: unknown): ServiceResponse | undefined {
  if (typeof name !== "string") return { statusCode: 400, body: JSON.stringify({ __type: "com.amazon.coral.service#SerializationException" }) };
  if (name.length < 1 || name.length > 80) {
    return errorBody(
      "ValidationException",
      "1 validation error detected: Value at 'name' failed to satisfy constraint: Member must have length between 1 and 80",
    );
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: Step Functions refuses control characters in names.
  if (/[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/.test(name)) return errorBody("InvalidName", `Invalid Name: '${name}'`);
  return undefined;
}

/** Durations of the Wait states, multiplied by `scale`; only `Seconds` can be scaled, except by 0. */
function scaledWaits(definition: Record<string, unknown>, scale: number): Record<string, number> {
  const overrides: Record<string, number> = {};
  if (scale === 1) return overrides;
  forEachState(definition, (state, name) => {
    if (state.Type !== "Wait") return;
    if (scale === 0) overrides[name] = 0;
    else if (typeof state.Seconds === "number") overrides[name] = state.Seconds * 1000 * scale;
  });
  return overrides;
}
