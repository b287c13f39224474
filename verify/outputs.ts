import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { DEFAULT_WORKFLOW } from "../stacks/config/names";

/** What a client needs to reach a deployment: the api stack's outputs, or flags. */
export interface Endpoints {
  readonly websocketUrl: string;
  readonly restUrl: string;
  readonly apiKey: string;
}

/** The api stack's synthesized folder, where `terraform output` reads its state: `<CDKTF_OUTDIR or cdktf.out>/stacks/api`. */
export function apiStackDir(env: NodeJS.ProcessEnv = process.env, projectDir = process.cwd()): string {
  return path.resolve(projectDir, env.CDKTF_OUTDIR || "cdktf.out", "stacks", "api");
}

/** The workflows besides the default: the keys of the workflow stack's output `state_machine_arns`, but `workflow`. */
export function readWorkflowNames(dir: string, terraform = "terraform"): string[] {
  let stdout: string;
  try {
    stdout = execFileSync(terraform, [`-chdir=${dir}`, "output", "-json"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    throw new Error(`terraform output -json in ${dir} failed: ${String((e as { stderr?: unknown }).stderr ?? "").trim() || (e as Error).message}`);
  }
  const arns = (JSON.parse(stdout) as Record<string, { value?: unknown }>).state_machine_arns?.value;
  if (typeof arns !== "object" || arns === null) throw new Error(`the workflow stack has no output state_machine_arns in ${dir}`);
  return Object.keys(arns).filter((name) => name !== DEFAULT_WORKFLOW);
}

/**
 * The URLs and the key from `terraform output -json` in the api stack's folder, as "Try it" reads
 * them. Terraform's stdout holds the key: it is parsed, never shown; on failure only its stderr is.
 */
export function readOutputs(dir: string, terraform = "terraform"): Endpoints {
  let stdout: string;
  try {
    stdout = execFileSync(terraform, [`-chdir=${dir}`, "output", "-json"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (e) {
    const stderr = String((e as { stderr?: unknown }).stderr ?? "").trim();
    throw new Error(`terraform output -json in ${dir} failed: ${stderr || (e as Error).message}`);
  }
  const outputs = JSON.parse(stdout) as Record<string, { value?: unknown }>;
  const value = (name: string) => {
    const v = outputs[name]?.value;
    if (typeof v !== "string" || v === "") throw new Error(`the api stack has no output ${name} in ${dir}: deploy it first (npx cdktf deploy workflow api)`);
    return v;
  };
  return { websocketUrl: value("websocket_url"), restUrl: value("rest_invoke_url"), apiKey: value("api_key_value") };
}
