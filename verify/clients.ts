import * as http from "node:http";
import * as https from "node:https";
import { WebSocket } from "ws";

/**
 * Real clients of a stepgate, as its users' are: Node's fetch and http for REST, ws for WebSocket.
 * `npm run verify` reaches a deployment with them, and the tests the local gateway.
 */

export type Answer = { status: number; body: Record<string, unknown> };

/** How long a client waits for an answer, a reply or a close before it gives up. */
export const DEFAULT_TIMEOUT_MS = 35_000;

/** A REST POST; the answer's body must be JSON (every body stepgate answers is). */
export async function post(target: { restUrl: string }, body: string, headers: Record<string, string>, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Answer> {
  const response = await fetch(target.restUrl, { method: "POST", body, headers, signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, body: parseBody(response.status, await response.text()) };
}

/** A REST GET (GET /executions/<id>); the answer's body must be JSON. */
export async function get(url: string, headers: Record<string, string>, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Answer> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, body: parseBody(response.status, await response.text()) };
}

/** A REST POST to an async workflow: the answer, and its Location header (where to GET the execution). */
export async function postAsync(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<{ answer: Answer; location?: string }> {
  const response = await fetch(url, { method: "POST", body, headers, signal: AbortSignal.timeout(timeoutMs) });
  const answer = { status: response.status, body: parseBody(response.status, await response.text()) };
  return { answer, location: response.headers.get("location") ?? undefined };
}

/**
 * A REST POST with exactly these headers: fetch adds `content-type: text/plain` to a string body,
 * node's http adds none.
 */
export function postExactly(target: { restUrl: string }, body: string, headers: Record<string, string>, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Answer> {
  const url = new URL(target.restUrl);
  const request = url.protocol === "https:" ? https.request : http.request;
  return new Promise<Answer>((resolve, reject) => {
    const req = request(url, { method: "POST", headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: parseBody(res.statusCode ?? 0, Buffer.concat(chunks).toString("utf8")) });
        } catch (e) {
          reject(e);
        }
      });
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject).end(body);
  });
}

function parseBody(status: number, text: string): Record<string, unknown> {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${status} with a body that is not JSON: ${JSON.stringify(text.slice(0, 60))}`);
  }
}

/** A WebSocket client whose replies can be awaited in order; `next` gives up after timeoutMs. */
export function connect(url: string, headers: Record<string, string> = {}, timeoutMs = DEFAULT_TIMEOUT_MS) {
  const socket = new WebSocket(url, { headers, handshakeTimeout: timeoutMs });
  const replies: string[] = [];
  const waiting: Array<(reply: string) => void> = [];
  socket.on("message", (data) => {
    const next = waiting.shift();
    if (next) next(data.toString());
    else replies.push(data.toString());
  });
  socket.on("error", () => undefined); // a refused $connect rejects `opened`
  const opened = new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    socket.once("error", (e) => reject(e));
  });
  opened.catch(() => undefined); // awaited by whoever needs it
  const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
  const next = (wait = timeoutMs) =>
    new Promise<string>((resolve, reject) => {
      if (replies.length > 0) return resolve(replies.shift() as string);
      const timer = setTimeout(() => {
        waiting.splice(waiting.indexOf(take), 1);
        reject(new Error(`no reply within ${wait} ms`));
      }, wait);
      const take = (reply: string) => {
        clearTimeout(timer);
        resolve(reply);
      };
      waiting.push(take);
    });
  return {
    socket,
    opened,
    closed,
    next,
    ask: (message: string, wait = timeoutMs) => {
      socket.send(message);
      return next(wait);
    },
  };
}

/** Resolves as the promise does, or rejects after ms. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
