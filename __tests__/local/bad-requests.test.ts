import { LocalGateway, startLocalGateway } from "../../local/gateway";
import { BAD_REQUESTS } from "../support/bad-requests";
import { definitionFile, synthesizeToFolder } from "../support/stacks";

/** The README's table of bad requests, each row proven on the local gateway. */
jest.setTimeout(60_000);
const KEY = "test-key-0123456789abcdefghij";

const outdirs = new Map<string, string>();
const gateways: LocalGateway[] = [];
afterAll(() => Promise.all(gateways.map((g) => g.close())));

describe("bad requests", () => {
  it.each(BAD_REQUESTS.map((row) => [row.name, row] as const))("%s", async (_name, row) => {
    const env = { ...row.env, ...(row.definition ? { STEPGATE_DEFINITION: definitionFile(row.definition) } : {}) };
    const key = JSON.stringify([row.env, row.definition]);
    if (!outdirs.has(key)) outdirs.set(key, synthesizeToFolder(env));
    const gateway = await startLocalGateway({ outdir: outdirs.get(key) as string, wsPort: 0, httpPort: 0, apiKey: KEY, waitScale: 0, ...row.options });
    gateways.push(gateway);
    await row.check(gateway, KEY);
  });
});
