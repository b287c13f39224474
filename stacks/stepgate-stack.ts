import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { StackId, StepgateConfig } from "./config";
import { LogsKey } from "./logs-key";
import { requiredTerraformVersion, useStateBackend } from "./state";

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
    id: StackId,
    config: StepgateConfig,
    tags: Readonly<Record<string, string>> = { "stepgate:prefix": config.prefix, ...config.tags },
  ) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: config.region, defaultTags: [{ tags }] });
    useStateBackend(this, id, config.state);
    this.addOverride("terraform.required_version", requiredTerraformVersion(config.state));
    this.addOverride("terraform.required_providers.aws.version", AWS_PROVIDER_VERSION);
  }

  /**
   * The KMS key of this stack's log groups, as STEPGATE_LOG_KMS_KEY says: undefined for CloudWatch
   * Logs' own encryption, a key of the stack's own for "create", or the given key.
   */
  protected logsKmsKeyArn(config: StepgateConfig): string | undefined {
    if (config.logKmsKey === "create") {
      return new LogsKey(this, "logs_key", { aliasName: `${config.prefix}-${this.node.id}-logs`, region: config.region }).key.arn;
    }
    return config.logKmsKey || undefined;
  }
}
