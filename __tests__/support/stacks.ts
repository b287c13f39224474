import { App, Testing } from "cdktf";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ApiGatewayAccountStack } from "../../stacks/api-gateway-account-stack";
import { ApiStack } from "../../stacks/api-stack";
import { loadConfig, StepgateConfig } from "../../stacks/config";
import { WorkflowStack } from "../../stacks/workflow-stack";

export const PROJECT_DIR = path.join(__dirname, "..", "..");

/** The settings as a user with only these environment variables (no cdktf.json context, terraform installed) gets them. */
export function configWith(env: Record<string, string> = {}): StepgateConfig {
  return loadConfig({ env, context: () => undefined, projectDir: PROJECT_DIR, onPath: () => true });
}

/** An app for tests; synth in tests writes nothing, so its outdir is never filled. */
export function testApp(): App {
  return Testing.app({ outdir: os.tmpdir() });
}

export function synthWorkflow(config: StepgateConfig = configWith()): string {
  return Testing.synth(new WorkflowStack(testApp(), "workflow", { config }));
}

export function synthApi(config: StepgateConfig = configWith()): string {
  return Testing.synth(new ApiStack(testApp(), "api", { config }));
}

type Block = Record<string, Record<string, Record<string, unknown>>>;

/** The synthesized JSON as an object. */
export interface Synthesized {
  resource: Block;
  data: Block;
  output: Record<string, { value: unknown; sensitive?: boolean; description?: string }>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  terraform: Record<string, any>;
  provider: Record<string, unknown[]>;
}

export function parse(synthesized: string): Synthesized {
  return JSON.parse(synthesized) as Synthesized;
}

/** A resource of the synthesized JSON: its logical id and its properties. */
export interface SynthesizedResource {
  readonly logicalId: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly props: Record<string, any>;
}

/** Every resource of a type. */
export function resources(synthesized: string, type: string): SynthesizedResource[] {
  return Object.entries(parse(synthesized).resource[type] ?? {}).map(([logicalId, props]) => ({ logicalId, props }));
}

/** The one resource of a type; throws when there are none or several. */
export function only(synthesized: string, type: string): SynthesizedResource {
  const all = resources(synthesized, type);
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0];
}

/** The Terraform address (`type.logicalId`) of the one resource of a type. */
export function address(synthesized: string, type: string): string {
  return `${type}.${only(synthesized, type).logicalId}`;
}

/** Synthesizes every stack into a new temporary folder, as `cdktf synth` would; returns the folder. */
export function synthesizeToFolder(env: Record<string, string> = {}): string {
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "stepgate-out-")), "cdktf.out");
  fs.mkdirSync(outdir);
  const config = configWith(env);
  const app = new App({ outdir, stackTraces: false });
  new WorkflowStack(app, "workflow", { config });
  new ApiStack(app, "api", { config });
  if (config.apiGatewayAccount === "managed") new ApiGatewayAccountStack(app, "apigw-account", { config });
  app.synth();
  return outdir;
}

/** A state machine definition in a temporary file, for STEPGATE_DEFINITION: an object (written indented) or the file's text. */
export function definitionFile(definition: object | string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "stepgate-definition-")), "workflow.asl.json");
  fs.writeFileSync(file, typeof definition === "string" ? definition : JSON.stringify(definition, null, 2));
  return file;
}
