import { App, TerraformStack, Testing } from "cdktf";
import type { Construct } from "constructs";
import * as fs from "node:fs";
import * as path from "node:path";
import { ApiGatewayAccountStack } from "../../stacks/api-gateway-account-stack";
import { ApiStack } from "../../stacks/api-stack";
import { loadConfig, type StepgateConfig } from "../../stacks/config/load";
import { writeOpenApiDocument } from "../../stacks/openapi";
import { WorkflowStack } from "../../stacks/workflow-stack";
import type { AsyncRunner, StartSyncExecutionApiProps } from "../../stacks/constructs/stage";
import { type Json, type SynthesizedResource, SynthesizedStack } from "../../local/synthesized";
import { temporaryFolder } from "./temporary-folders";

export const PROJECT_DIR = path.join(__dirname, "..", "..");

/** The settings as a user with only these environment variables (no cdktf.json context, terraform installed) gets them. */
export function configWith(env: Record<string, string> = {}): StepgateConfig {
  return loadConfig({ env, context: () => undefined, projectDir: PROJECT_DIR, onPath: () => true });
}

let appOutdir: string | undefined;

/** An app for tests; synth in tests writes nothing but the app's empty `stacks` folder, in a temporary folder. */
export function testApp(): App {
  appOutdir ??= temporaryFolder("app");
  return Testing.app({ outdir: appOutdir });
}

/** cdktf's `Testing.synthScope`, on `testApp()` (cdktf's own app would leave its folder in the temporary directory). */
export function synthScope(build: (scope: Construct) => void): string {
  const stack = new TerraformStack(testApp(), "stack");
  build(stack);
  return Testing.synth(stack);
}

export function synthWorkflow(config: StepgateConfig = configWith()): string {
  return Testing.synth(new WorkflowStack(testApp(), "workflow", { config }));
}

export function synthApi(config: StepgateConfig = configWith()): string {
  return Testing.synth(new ApiStack(testApp(), "api", { config }));
}

type Block = Record<string, Record<string, Json>>;

/** The synthesized JSON as an object, its blocks typed for the tests. */
export interface Synthesized {
  resource: Block;
  data: Block;
  output: Record<string, { value: unknown; sensitive?: boolean; description?: string }>;
  locals: Record<string, string>;
  terraform: Json;
  provider: Record<string, unknown[]>;
}

/** The synthesized JSON, read by the one reader the local gateway uses too. */
export function parse(synthesized: string): Synthesized {
  return new SynthesizedStack(synthesized).json as Synthesized;
}

/** Every resource of a type. */
export function resources(synthesized: string, type: string): SynthesizedResource[] {
  return new SynthesizedStack(synthesized).resources(type);
}

/** The one resource of a type (that `where` accepts); throws when there are none or several. */
export function only(synthesized: string, type: string, where?: (props: Json) => boolean): SynthesizedResource {
  return new SynthesizedStack(synthesized).only(type, where);
}

/** The Terraform address (`type.logicalId`) of the one resource of a type (that `where` accepts). */
export function address(synthesized: string, type: string, where?: (props: Json) => boolean): string {
  return new SynthesizedStack(synthesized).address(type, where);
}

/** A deployment's trigger read apart: the digest of what the shapers configure, and the references Terraform hashes with it. */
export interface RedeploymentTrigger {
  readonly digest: string;
  readonly references: string[];
}

/**
 * The `triggers.redeployment` of the one deployment of a type (`aws_api_gateway_deployment`,
 * `aws_apigatewayv2_deployment`); throws unless it has the form `redeployedOnChangeOf` writes.
 */
export function redeploymentTrigger(synthesized: string, deploymentType: string): RedeploymentTrigger {
  const expression: string = only(synthesized, deploymentType).props.triggers.redeployment;
  const form = /^\$\{sha1\(jsonencode\(\["([0-9a-f]{64})"((?:, [^,"\]]+)*)\]\)\)\}$/.exec(expression);
  if (!form) throw new Error(`not the form of redeployedOnChangeOf: ${expression}`);
  return { digest: form[1], references: form[2].split(", ").slice(1) };
}

/** What a construct test gives an API construct: a state machine, a role and an integration that exist already. */
export const API_PROPS: StartSyncExecutionApiProps = {
  name: "test-api",
  stageName: "api",
  integrationUri: "arn:aws:apigateway:us-east-1:states:action/StartSyncExecution",
  credentialsArn: "arn:aws:iam::123456789012:role/test-start-sync-execution",
  stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:test-workflow",
  rateLimit: 10,
  burstLimit: 20,
  accessLogGroupName: "/test/access",
  logRetentionDays: 30,
};

/** What a construct test gives an API construct with async workflows: a runner that exists already. */
export const RUNNER_PROPS: AsyncRunner = {
  stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:test_runner",
  executionArnPrefix: "arn:aws:states:us-east-1:123456789012:execution:test_runner:",
  startExecutionUri: "arn:aws:apigateway:us-east-1:states:action/StartExecution",
  describeExecutionUri: "arn:aws:apigateway:us-east-1:states:action/DescribeExecution",
};

/** Synthesizes every stack into `<root>/cdktf.out` (root: a new temporary folder by default), as `cdktf synth` would; returns cdktf.out. */
export function synthesizeToFolder(env: Record<string, string> = {}, root = temporaryFolder("out")): string {
  const outdir = path.join(root, "cdktf.out");
  fs.mkdirSync(outdir, { recursive: true });
  const config = configWith(env);
  const app = new App({ outdir, stackTraces: false });
  new WorkflowStack(app, "workflow", { config });
  new ApiStack(app, "api", { config });
  if (config.apiGatewayAccount === "managed") new ApiGatewayAccountStack(app, "apigw-account", { config });
  app.synth();
  writeOpenApiDocument(outdir, config);
  return outdir;
}

/** A state machine definition in a temporary file, for STEPGATE_DEFINITION: an object (written indented) or the file's text. */
export function definitionFile(definition: object | string): string {
  const file = path.join(temporaryFolder("definition"), "workflow.asl.json");
  fs.writeFileSync(file, typeof definition === "string" ? definition : JSON.stringify(definition, null, 2));
  return file;
}
