import { ConfigError, type ConfigSources, readSettings } from "../stacks/config/load";
import { API_GATEWAY_KEY, atLeastZero, port } from "../stacks/config/parsers";
import { optionalSetting, setting, type SettingValues } from "../stacks/config/settings";

/**
 * The settings of `npm run local`, read the way synth's are (environment, then `cdktf.json` context,
 * then default) but only here: a bad one stops the local gateway, never synth.
 */
export const LOCAL_SETTINGS = {
  wsPort: setting({
    name: "STEPGATE_LOCAL_WS_PORT",
    default: 8080,
    accepts: "a port, 0 to 65535 (0 picks a free one)",
    description: "npm run local: port of the WebSocket API on 127.0.0.1",
    parse: port,
  }),
  httpPort: setting({
    name: "STEPGATE_LOCAL_HTTP_PORT",
    default: 8081,
    accepts: "a port, 0 to 65535 (0 picks a free one)",
    description: "npm run local: port of the REST API on 127.0.0.1",
    parse: port,
  }),
  apiKey: optionalSetting<string>({
    name: "STEPGATE_LOCAL_API_KEY",
    shownDefault: "(generated and printed)",
    accepts: API_GATEWAY_KEY.accepts,
    description: "npm run local: the API key the local REST API accepts",
    parse: API_GATEWAY_KEY.parse,
  }),
  waitScale: setting({
    name: "STEPGATE_LOCAL_WAIT_SCALE",
    default: 1,
    accepts: "a number of at least 0",
    description: "npm run local: multiplies Wait states' durations (0: no waiting)",
    parse: atLeastZero,
  }),
};

export interface LocalSettings extends SettingValues<typeof LOCAL_SETTINGS> {
  /** The folder synth wrote: CDKTF_OUTDIR, as the cdktf CLI sets it, else `cdktf.out`. */
  readonly outdir: string;
}

/** The local gateway's settings; throws `ConfigError` listing every problem. */
export function loadLocalSettings(sources: ConfigSources = {}): LocalSettings {
  const env = sources.env ?? process.env;
  const { values, problems } = readSettings(LOCAL_SETTINGS, { ...sources, env });
  if (problems.length > 0) throw new ConfigError(problems, "the local gateway was not started");
  return { ...values, outdir: env.CDKTF_OUTDIR || "cdktf.out" };
}
