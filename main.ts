import { App } from "cdktf";
import { ApiGatewayAccountStack } from "./stacks/api-gateway-account-stack";
import { ApiStack } from "./stacks/api-stack";
import { ConfigError, loadConfig, type StepgateConfig } from "./stacks/config/load";
import { writeOpenApiDocument } from "./stacks/openapi";
import { STACK_IDS } from "./stacks/stack-ids";
import { WorkflowStack } from "./stacks/workflow-stack";

// Settings first: a bad one stops synth before anything is written.
const config = settingsOrExit();
const app = new App();

const workflow = new WorkflowStack(app, STACK_IDS.workflow, { config });
const api = new ApiStack(app, STACK_IDS.api, { config });
api.addDependency(workflow);
if (config.apiGatewayAccount === "managed") {
  // The stages' logging needs the region's CloudWatch Logs role set first.
  api.addDependency(new ApiGatewayAccountStack(app, STACK_IDS.apiGatewayAccount, { config }));
}
app.synth();
// The REST API's OpenAPI document, for its clients, beside the stacks.
writeOpenApiDocument(app.outdir, config);

function settingsOrExit(): StepgateConfig {
  try {
    return loadConfig();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(e.message);
    process.exit(1);
  }
}
