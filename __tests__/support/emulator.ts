import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Json } from "../../local/synthesized";
import { startServer } from "./server-process";
import { synthesizeToFolder } from "./stacks";
import { TerraformStackDir, type TerraformSetup, terraformSetup } from "./terraform";
import { temporaryFolder } from "./temporary-folders";

/**
 * AWS played by moto's server on 127.0.0.1, for tests that apply the stacks: one server per
 * start, its gaps mended by ./emulator/moto_server.py, read and written through AWS's own API
 * (boto3, by ./emulator/aws.py).
 */
const LAUNCHER = path.join(__dirname, "emulator", "moto_server.py");
const AWS_CLIENT = path.join(__dirname, "emulator", "aws.py");

/** Why the emulator cannot run here (moto, with the boto3 it brings, cannot be imported), or undefined. */
export function emulatorMissing(): string | undefined {
  try {
    execFileSync("python3", ["-c", "import moto.server, boto3"], { stdio: "ignore" });
    return undefined;
  } catch {
    return 'no moto: python3 -c "import moto" fails';
  }
}

/**
 * What an apply test needs: Terraform with the AWS provider (terraformSetup) and the emulator; and
 * why it cannot run here, or undefined. When it cannot, the setup's folder goes now: a wholly
 * skipped test file runs no hooks, so the removal of its temporary folders (setup.ts) never runs.
 */
export function applySetup(): { readonly setup: TerraformSetup; readonly missing: string | undefined } {
  const setup = terraformSetup();
  const missing = setup.available ? emulatorMissing() : setup.reason;
  if (missing !== undefined && setup.available) fs.rmSync(path.dirname(setup.cliConfig), { recursive: true, force: true });
  return { setup, missing };
}

export interface Emulator {
  /** Every AWS endpoint: moto tells services apart by the request's signature. */
  readonly url: string;
  /** One AWS call through boto3, such as `call("route53", "create_hosted_zone", {...})`: its answer, without ResponseMetadata. */
  call(service: string, operation: string, params?: Json, region?: string): Promise<Json>;
  /** What the emulator holds of every kind of resource stepgate makes, in these regions and the global services: "kind id" lines, sorted. */
  inventory(regions: readonly string[]): Promise<string[]>;
  /**
   * The parts of what stepgate makes that come back without a name of their own (deployments,
   * stages, routes, integrations, methods; roles' inline policies), without the ids AWS
   * makes: "kind api what" lines, sorted, duplicates kept. With inventory(), what an orphan or a
   * duplicate left by a failed or interrupted apply would show in.
   */
  parts(regions: readonly string[]): Promise<string[]>;
  /** What moto wrote to stderr (its tracebacks), for a failure's message. */
  log(): string;
  /** Every request the emulator has answered, in order (./emulator/moto_server.py, Faults). */
  requests(): Promise<EmulatorRequest[]>;
  /** From now on every `every`-th write to API Gateway's management API is answered 429 TooManyRequestsException, each request once at most; 0 stops. */
  throttleApiGateway(every: number): Promise<void>;
  /** Ends the server and waits until it is gone. */
  stop(): Promise<void>;
}

/** Operations of the JSON and query protocols that change something (the REST ones: any method but GET and HEAD). */
const WRITE =
  /^(Add|Associate|Attach|Create|Delete|Deregister|Detach|Disable|Disassociate|Enable|Import|Publish|Put|Register|Remove|Schedule|Send|Set|Start|Stop|Subscribe|Tag|Untag|Update)/;

/**
 * What a failed apply's message should say of the emulator's requests: each write it answered
 * with success and then got again (the same digest: a client's retry of a call that had worked,
 * which a create answers with "already exists"), each answer of 500 or more, and each answer the
 * server could not write whole (the client gone first). Empty when there is none.
 */
export function suspiciousRequests(requests: readonly EmulatorRequest[]): string[] {
  const succeeded = new Map<string, number>();
  const lines: string[] = [];
  const name = (r: EmulatorRequest) => `${r.service} ${r.operation || `${r.method} ${r.path}`}`;
  requests.forEach((r, i) => {
    const write = r.operation ? WRITE.test(r.operation) : r.method !== "GET" && r.method !== "HEAD";
    const first = succeeded.get(r.digest);
    if (write && first !== undefined)
      lines.push(`#${i} ${name(r)}: sent again after #${first} was answered ${requests[first].status}; answered ${r.status} this time`);
    if (r.status >= 500) lines.push(`#${i} ${name(r)}: answered ${r.status} in ${r.ms} ms`);
    if (r.written === false) lines.push(`#${i} ${name(r)}: its answer (${r.status}) not written whole, the client gone first`);
    if (write && r.status < 300 && first === undefined) succeeded.set(r.digest, i);
  });
  return lines;
}

/** One request the emulator answered. */
export interface EmulatorRequest {
  /** The service its signature names ("apigateway", "kms"...). */
  readonly service: string;
  /** The operation, for the JSON and query protocols ("CreateAlias"); empty for REST ones, which method and path say. */
  readonly operation: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** How long the emulator took to answer. */
  readonly ms: number;
  /** Of the method, path, query and body: the same request sent twice has the same digest. */
  readonly digest: string;
  /** Whether the server wrote the whole answer (false: the client had closed the connection first). */
  readonly written: boolean;
}

/**
 * boto3 kept running (./emulator/aws.py) for one emulator's calls: one request at a time,
 * answered in order. Started on the first call, it ends when its standard input closes (close(),
 * or the test worker's end), so nothing outlives the test file.
 */
class AwsClient {
  private child?: ChildProcessWithoutNullStreams;
  private readonly waiting: Array<{ resolve: (answer: Json) => void; reject: (error: Error) => void }> = [];
  private buffered = "";
  private stderr = "";

  send(request: Json): Promise<Json> {
    const child = this.child ?? this.start();
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      child.stdin.write(`${JSON.stringify(request)}\n`);
    });
  }

  private start(): ChildProcessWithoutNullStreams {
    const child = spawn("python3", [AWS_CLIENT], { stdio: ["pipe", "pipe", "pipe"] });
    this.child = child;
    child.stdout.on("data", (chunk: Buffer) => {
      this.buffered += chunk.toString();
      for (let end = this.buffered.indexOf("\n"); end >= 0; end = this.buffered.indexOf("\n")) {
        const reply = JSON.parse(this.buffered.slice(0, end)) as { answer?: Json; error?: string };
        this.buffered = this.buffered.slice(end + 1);
        const waiting = this.waiting.shift();
        if (reply.error === undefined) waiting?.resolve(reply.answer as Json);
        else waiting?.reject(new Error(`AWS call to the emulator failed: ${reply.error}`));
      }
    });
    child.stderr.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
    child.once("exit", (code, signal) => {
      if (this.child === child) this.child = undefined;
      for (const waiting of this.waiting.splice(0)) waiting.reject(new Error(`AWS calls to the emulator ended (${code ?? signal}): ${this.stderr}`));
    });
    return child;
  }

  /** Ends the process (its standard input closed) and waits until it is gone. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const gone = new Promise((resolve) => child.once("exit", resolve));
    child.stdin.end();
    await gone;
  }
}

/** Starts moto's server on a free port of 127.0.0.1; resolves once it answers. */
export async function startEmulator(): Promise<Emulator> {
  // The launcher prints its port once it listens, and ends when its stdin closes.
  const { ready: port, server } = await startServer("moto's server", "python3", [LAUNCHER], {
    awaited: "its port",
    ready: (stdout) => (stdout.includes("\n") ? Number(stdout.trim()) : undefined),
  });
  const url = `http://127.0.0.1:${port}`;
  const client = new AwsClient();
  const aws = (request: Json): Promise<Json> => client.send({ endpoint: url, ...request });
  return {
    url,
    call: async (service, operation, params = {}, region = "us-east-1") => (await aws({ calls: [{ service, operation, params, region }] }))[0],
    inventory: async (regions) => (await aws({ inventory: regions })) as string[],
    parts: async (regions) => (await aws({ parts: regions })) as string[],
    log: () => server.log(),
    requests: async () => (await (await fetch(`${url}/_stepgate/requests`)).json()) as EmulatorRequest[],
    throttleApiGateway: async (every) => {
      const answer = await fetch(`${url}/_stepgate/throttle`, { method: "POST", body: JSON.stringify({ every }) });
      if (!answer.ok) throw new Error(`the emulator refused to throttle: ${answer.status}`);
    },
    stop: async () => {
      await client.close();
      await server.stop();
    },
  };
}

/** stepgate's stacks, synthesized into a temporary folder (their local state beside them) and pointed at the emulator. */
export interface EmulatedStacks {
  /** The temporary folder (removed when the test file ends): cdktf.out, local state files, anything the test writes there. */
  readonly root: string;
  /** Each synthesized stack, by id, initialized. */
  readonly stacks: Readonly<Record<string, TerraformStackDir>>;
}

/**
 * Synthesizes stepgate with these settings into `root` (a new temporary folder by default), and
 * makes each stack use the emulator for AWS (also for the S3 backend and remote state).
 */
export async function synthesizeForEmulator(
  emulator: Emulator,
  setup: Extract<TerraformSetup, { available: true }>,
  env: Record<string, string>,
  root = temporaryFolder("apply"),
): Promise<EmulatedStacks> {
  const outdir = synthesizeToFolder(env, root);
  const stacks: Record<string, TerraformStackDir> = {};
  for (const id of fs.readdirSync(path.join(outdir, "stacks"))) {
    const stack = new TerraformStackDir(path.join(outdir, "stacks", id), setup);
    stack.useFakes(emulator);
    await stack.init();
    stacks[id] = stack;
  }
  return { root, stacks };
}
