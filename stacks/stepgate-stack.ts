import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { StepgateConfig } from "./config";
import { useStateBackend } from "./state";

/** Terraform versions every stack accepts. */
export const REQUIRED_TERRAFORM_VERSION = ">= 1.5.0, < 2.0.0";
/** AWS provider versions: the bindings of @cdktf/provider-aws 21.22 are generated from 6.25. */
export const AWS_PROVIDER_VERSION = "~> 6.25";

/** A stack with what all of stepgate's stacks share: AWS provider, tags, backend, pinned versions. */
export class StepgateStack extends TerraformStack {
  /**
   * @param tags the tags of every resource in the stack
   * @default the configured tags and `stepgate:prefix`, which tells the copies of stepgate apart
   */
  constructor(
    scope: Construct,
    id: string,
    config: StepgateConfig,
    tags: Readonly<Record<string, string>> = { "stepgate:prefix": config.prefix, ...config.tags },
  ) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: config.region, defaultTags: [{ tags }] });
    useStateBackend(this, id);
    this.addOverride("terraform.required_version", REQUIRED_TERRAFORM_VERSION);
    this.addOverride("terraform.required_providers.aws.version", AWS_PROVIDER_VERSION);
  }
}
