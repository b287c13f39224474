import { spawn } from "node:child_process";

/** A server a test file started (the emulator, a provider kept running), by startServer. */
export interface ServerProcess {
  /** False once it has exited. */
  readonly alive: boolean;
  /** The last of what it wrote to stderr (at least 100 KB of it), for a failure's message. */
  log(): string;
  /** Closes its stdin, its signal to end; kills its process group if it is still there after 30 s. Resolves once it has exited. */
  stop(): Promise<void>;
}

export interface ServerOptions<T> {
  readonly env?: NodeJS.ProcessEnv;
  /** What it prints once it serves, for the messages: "its port". */
  readonly awaited: string;
  /** Reads what it has printed to stdout so far: what the test needs of it once it is there, else undefined. */
  ready(stdout: string): T | undefined;
}

const READY_WITHIN_MS = 120_000;
const STOPPED_WITHIN_MS = 30_000;

/**
 * Starts `command` in a process group of its own, so that a stop reaches whatever it started, with
 * its stdin a pipe whose close is its signal to end: stop() closes it, and so does this process
 * ending, however it ends (a worker killed at a timeout leaves no server behind). Resolves, once
 * `ready` finds what it waits for in the server's stdout, with that and the server; rejects, the
 * server killed, when it exits first or prints nothing of it within 2 minutes.
 */
export function startServer<T>(
  what: string,
  command: string,
  args: readonly string[],
  options: ServerOptions<T>,
): Promise<{ ready: T; server: ServerProcess }> {
  const child = spawn(command, args, { detached: true, env: options.env, stdio: ["pipe", "pipe", "pipe"] });
  let alive = true;
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
  });
  const exited = new Promise<void>((resolve) =>
    child.once("close", () => {
      alive = false;
      resolve();
    }),
  );
  const killGroup = () => {
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {
      // the group has exited
    }
  };
  const server: ServerProcess = {
    get alive() {
      return alive;
    },
    log: () => stderr,
    stop: async () => {
      child.stdin.end();
      const killer = setTimeout(killGroup, STOPPED_WITHIN_MS);
      await exited;
      clearTimeout(killer);
    },
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      killGroup();
      reject(new Error(`${what} ${why}:\n${stdout}${stderr}`));
    };
    const timer = setTimeout(() => fail(`printed no ${options.awaited} within ${READY_WITHIN_MS / 1000} s`), READY_WITHIN_MS);
    child.once("error", (error) => fail(`could not start (${error.message})`));
    void exited.then(() => fail(`exited (${child.exitCode ?? child.signalCode}) before it printed ${options.awaited}`));
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const found = options.ready(stdout);
      if (settled || found === undefined) return;
      settled = true;
      clearTimeout(timer);
      // Nothing more is read from stdout; keep the pipe flowing.
      child.stdout.removeAllListeners("data").resume();
      resolve({ ready: found, server });
    });
  });
}
