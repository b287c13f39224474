import { loadLocalSettings } from "./settings";
import { startLocalGateway } from "./gateway";

/** `npm run local`, after synth: serves both APIs on loopback until SIGINT or SIGTERM. */
async function main(): Promise<void> {
  const settings = loadLocalSettings();
  const gateway = await startLocalGateway({
    ...settings,
    log: (line) => console.log(`${new Date().toISOString()} ${line}`),
  });
  console.log(`stepgate local gateway (state machine ${gateway.app.stateMachine.name}, Wait x${settings.waitScale})`);
  console.log(`  WebSocket: ${gateway.websocketUrl}   (npx wscat -c ${gateway.websocketUrl})`);
  console.log(`  REST:      POST ${gateway.restUrl}   (header x-api-key)`);
  if (!settings.apiKey) console.log(`  API key:   ${gateway.apiKey}   (generated; set STEPGATE_LOCAL_API_KEY to choose one)`);
  const stop = (signal: string) => {
    console.log(`${signal}: closing`);
    void gateway.close().then(() => process.exit(0));
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
