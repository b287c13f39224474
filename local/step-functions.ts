import { ExecutionError, ExecutionTimeoutError, StateMachine } from "aws-local-stepfunctions";
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
  readonly stateMachine: { readonly arn: string; readonly name: string; readonly definition: Record<string, unknown> };
  /** Multiplies Wait states' durations: 0 for tests, 1 for real time. */
  readonly waitScale: number;
}

/** Step Functions' limit on an execution's input, in UTF-8 bytes. */
export const MAX_INPUT_BYTES = 262144;

const errorBody = (type: string, message: string): ServiceResponse => ({
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
    let request: { stateMachineArn?: unknown; input?: unknown; name?: unknown };
    try {
      request = JSON.parse(requestBody);
    } catch (e) {
      return { statusCode: 400, body: JSON.stringify({ __type: "com.amazon.coral.service#SerializationException", Message: (e as Error).message }) };
    }
    if (request.stateMachineArn !== this.props.stateMachine.arn) {
      return errorBody("StateMachineDoesNotExist", `State Machine Does Not Exist: '${String(request.stateMachineArn)}'`);
    }
    const input = typeof request.input === "string" ? request.input : "{}";
    if (Buffer.byteLength(input, "utf8") > MAX_INPUT_BYTES) {
      return errorBody(
        "ValidationException",
        `1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to ${MAX_INPUT_BYTES}`,
      );
    }
    let parsedInput: unknown;
    try {
      parsedInput = JSON.parse(input);
    } catch (e) {
      return errorBody("InvalidExecutionInput", `Invalid State Machine Execution Input: '${(e as Error).message}'`);
    }

    if (request.name !== undefined) {
      const refused = nameRefusal(request.name);
      if (refused) return refused;
    }
    const name = typeof request.name === "string" ? request.name : randomUUID();
    const startDate = Date.now();
    const execution = this.machine.run(parsedInput as never, { overrides: { waitTimeOverrides: this.waitTimeOverrides } });
    this.running.add(execution.abort);
    const outcome = await execution.result
      .finally(() => this.running.delete(execution.abort))
      .then(
        (output) => ({ status: "SUCCEEDED", output: JSON.stringify(output), outputDetails: { included: true } }),
        (e: unknown) => {
          if (e instanceof ExecutionTimeoutError) return { status: "TIMED_OUT", error: "States.Timeout", cause: "The execution timed out." };
          const error = e instanceof ExecutionError && e.cause instanceof Error ? e.cause : (e as Error);
          return { status: "FAILED", error: error.name, cause: error.message };
        },
      );
    const stopDate = Date.now();
    const { region, stateMachine } = this.props;
    return {
      statusCode: 200,
      body: JSON.stringify({
        executionArn: `arn:aws:states:${region}:${LOCAL_ACCOUNT}:express:${stateMachine.name}:${name}:${randomUUID()}`,
        stateMachineArn: stateMachine.arn,
        name,
        startDate: startDate / 1000,
        stopDate: stopDate / 1000,
        ...outcome,
        input,
        inputDetails: { included: true },
        billingDetails: { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: Math.max(100, Math.ceil((stopDate - startDate) / 100) * 100) },
      }),
    };
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
