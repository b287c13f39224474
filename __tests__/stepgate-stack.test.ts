import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Testing } from "cdktf";
import { StepgateStack } from "../stacks/stepgate-stack";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { configWith, parse, resources, synthApi, synthWorkflow, testApp } from "./support/stacks";

describe("StepgateStack", () => {
  const synth = (env: Record<string, string> = {}) => Testing.synth(new StepgateStack(testApp(), "workflow", { config: configWith(env) }));

  it("configures the AWS provider with the region and default tags", () => {
    expect(synth({ STEPGATE_REGION: "eu-central-1", STEPGATE_TAGS: "team=payments,env=dev" })).toHaveProviderWithProperties(AwsProvider, {
      region: "eu-central-1",
      default_tags: [{ tags: { "stepgate:prefix": "stepgate", team: "payments", env: "dev" } }],
    });
  });

  it("pins the Terraform and AWS provider versions", () => {
    expect(parse(synth()).terraform).toMatchObject({
      required_version: ">= 1.5.0, < 2.0.0",
      required_providers: { aws: { source: "aws", version: "~> 6.25" } },
    });
  });

  it("declares a local backend by a path relative to the stack's working directory", () => {
    expect(parse(synth()).terraform.backend).toEqual({ local: { path: "../../../terraform.workflow.tfstate" } });
  });
});

describe("STEPGATE_LOG_KMS_KEY", () => {
  /** The logs' keys: those whose description says they are for log groups (monitoring's topic has a key of its own). */
  const logsKeys = (synthesized: string) => resources(synthesized, "aws_kms_key").filter((k) => String(k.props.description).startsWith("Log groups of "));
  const config = configWith({ STEPGATE_LOG_KMS_KEY: "create" });
  const stacks = { workflow: synthWorkflow(config), api: synthApi(config) };

  it.each(Object.entries(stacks))("create: gives the %s stack a key of its own, named from the prefix, for every log group", (stack, synthesized) => {
    expect(synthesized).toHaveResourceWithProperties(KmsAlias, { name: `alias/stepgate-${stack}-logs` });
    const keys = logsKeys(synthesized);
    expect(keys).toHaveLength(1);
    const [key] = keys;
    const groups = resources(synthesized, "aws_cloudwatch_log_group");
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups) expect(group.props.kms_key_id).toBe(`\${aws_kms_key.${key.logicalId}.arn}`);
  });

  it("uses a given key for every log group, creating none", () => {
    const arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const synthesized = synthApi(configWith({ STEPGATE_LOG_KMS_KEY: arn }));
    expect(logsKeys(synthesized)).toEqual([]);
    for (const group of resources(synthesized, "aws_cloudwatch_log_group")) expect(group.props.kms_key_id).toBe(arn);
  });

  it("leaves log groups to CloudWatch Logs' own encryption by default", () => {
    for (const synthesized of [synthWorkflow(), synthApi()]) {
      expect(synthesized).toHaveResource(CloudwatchLogGroup);
      expect(resources(synthesized, "aws_cloudwatch_log_group").map((g) => g.props.kms_key_id)).not.toContainEqual(expect.anything());
      expect(logsKeys(synthesized)).toEqual([]);
    }
  });
});
