import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import { type LocalGateway, startLocalGateway } from "./gateway";
import { DEFAULT_WORKFLOW } from "../stacks/config/names";
import { loadLocalSettings } from "./settings";

/**
 * `npm run local`: synthesizes (cdktf.json's `app`, as `cdktf synth` runs it), then serves both APIs
 * on loopback until SIGINT or SIGTERM. The npm script execs this process, so a signal sent to npm
 * reaches it: it stops synth if that is still running, or closes both ports, and exits 0.
 */
async function main(): Promise<void> {
  // Our own settings first: a bad one stops here, before synth, with its own message.
  const settings = loadLocalSettings();
  let synth: ChildProcess | undefined;
  let gateway: LocalGateway | undefined;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: closing`);
    if (gateway) void gateway.close().then(() => process.exit(0));
    else synth?.kill(signal);
  };
  process.on("SIGINT", stop).on("SIGTERM", stop);

  // cdktf.json's app writes to CDKTF_OUTDIR, or cdktf.out: where the settings say the gateway reads.
  const [command, ...args] = (JSON.parse(fs.readFileSync("cdktf.json", "utf8")).app as string).split(/\s+/);
  synth = spawn(command === "node" ? process.execPath : command, args, { stdio: "inherit" });
  const code = await new Promise<number | null>((resolve, reject) => synth?.on("error", reject).on("exit", resolve));
  if (stopping) process.exit(0);
  if (code !== 0) process.exit(code ?? 1);

  gateway = await startLocalGateway({ ...settings, log: (line) => console.log(`${new Date().toISOString()} ${line}`) });
  if (stopping) return gateway.close().then(() => process.exit(0));
  console.log(`stepgate local gateway (state machine ${gateway.app.stateMachine.name}, Wait x${settings.waitScale})`);
  console.log(`  WebSocket: ${gateway.websocketUrl}   (npx wscat -c ${gateway.websocketUrl})`);
  console.log(`  REST:      POST ${gateway.restUrl}   (header x-api-key)`);
  for (const [name, machine] of Object.entries(gateway.app.stateMachines).slice(1)) {
    console.log(`  ${name}: POST ${gateway.restUrl}${name}, or a WebSocket message with "action": "${name}" (state machine ${machine.name})`);
  }
  const async = Object.entries(gateway.app.websocket.routes)
    .filter(([, route]) => route.action === "StartExecution")
    .map(([key]) => (key === "$default" ? DEFAULT_WORKFLOW : key));
  if (async.length > 0) {
    console.log(`  async:     ${async.join(", ")}: a RUNNING frame, then the result frame; REST 202, then GET ${gateway.restUrl}executions/<id>`);
  }
  console.log(`  OpenAPI:   GET ${gateway.restUrl}openapi.json   (the REST API's document, as synth wrote it in cdktf.out/openapi.json)`);
  if (!settings.apiKey) console.log(`  API key:   ${gateway.apiKey}   (generated; set STEPGATE_LOCAL_API_KEY to choose one)`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
