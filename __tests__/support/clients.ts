import { WebSocket } from "ws";
import type { LocalGateway } from "../../local/gateway";

/** Real clients of the local gateway: Node's fetch for REST, ws for WebSocket. */

export type Answer = { status: number; body: Record<string, unknown> };

/** POST to the REST API's `/`, or to `/<resource>`. */
export function post(gateway: LocalGateway, body: string, headers: Record<string, string>, resource = ""): Promise<Answer> {
  return fetch(`${gateway.restUrl}${resource}`, { method: "POST", body, headers }).then(async (r) => ({ status: r.status, body: JSON.parse(await r.text()) }));
}

/** A WebSocket client whose replies can be awaited in order. */
export function connect(url: string, headers: Record<string, string> = {}) {
  const socket = new WebSocket(url, { headers });
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
  });
  const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
  const next = () => new Promise<string>((resolve) => (replies.length > 0 ? resolve(replies.shift() as string) : waiting.push(resolve)));
  return {
    socket,
    opened,
    closed,
    next,
    ask: (message: string) => {
      socket.send(message);
      return next();
    },
  };
}
