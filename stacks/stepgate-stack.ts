import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { StepgateConfig } from "./config/load";
import { LogsKey } from "./constructs/logs-key";
import type { StackId } from "./stack-ids";
import { requiredTerraformVersion, useStateBackend } from "./state";

/** AWS provider versions: the bindings of @cdktf/provider-aws 21.22 are generated from 6.25. */
export const AWS_PROVIDER_VERSION = "~> 6.25";

export interface StepgateStackProps {
  readonly config: StepgateConfig;
  /**
   * The tags of every resource in the stack.
   * @default the configured tags and `stepgate:prefix`, which tells the copies of stepgate apart
   */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Whether the stack has log groups, and so a KMS key for them when STEPGATE_LOG_KMS_KEY=create.
   * @default true
   */
  readonly hasLogGroups?: boolean;
}

/** A stack with what all of stepgate's stacks share: AWS provider, tags, backend, pinned versions. */
export class StepgateStack extends TerraformStack {
  /**
   * The KMS key of this stack's log groups, as STEPGATE_LOG_KMS_KEY says: undefined for CloudWatch
   * Logs' own encryption, a key of the stack's own for "create", or the given key.
   */
  readonly logsKmsKeyArn?: string;

  constructor(scope: Construct, id: StackId, props: StepgateStackProps) {
    super(scope, id);
    const { config } = props;
    const tags = props.tags ?? { "stepgate:prefix": config.prefix, ...config.tags };
    new AwsProvider(this, "aws", { region: config.region, defaultTags: [{ tags }] });
    useStateBackend(this, id, config.state);
    this.addOverride("terraform.required_version", requiredTerraformVersion(config.state));
    this.addOverride("terraform.required_providers.aws.version", AWS_PROVIDER_VERSION);
    if (config.logKmsKey === "create" && (props.hasLogGroups ?? true)) {
      this.logsKmsKeyArn = new LogsKey(this, "logs_key", { aliasName: `${config.prefix}-${id}-logs`, region: config.region }).key.arn;
    } else {
      this.logsKmsKeyArn = config.logKmsKey;
    }
  }
}
