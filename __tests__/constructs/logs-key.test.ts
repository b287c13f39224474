import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { configWith, parse, resources, synthApi, synthWorkflow } from "../support/stacks";

describe("LogsKey (STEPGATE_LOG_KMS_KEY=create)", () => {
  const config = configWith({ STEPGATE_LOG_KMS_KEY: "create" });
  const stacks = { workflow: synthWorkflow(config), api: synthApi(config) };

  it.each(Object.entries(stacks))("gives the %s stack a rotating key of its own, named from the prefix", (stack, synthesized) => {
    expect(synthesized).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(synthesized).toHaveResourceWithProperties(KmsAlias, { name: `alias/stepgate-${stack}-logs` });
  });

  it.each(Object.entries(stacks))("encrypts every log group of the %s stack with it", (_stack, synthesized) => {
    const [key] = resources(synthesized, "aws_kms_key");
    const groups = resources(synthesized, "aws_cloudwatch_log_group");
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups) expect(group.props.kms_key_id).toBe(`\${aws_kms_key.${key.logicalId}.arn}`);
  });

  it("lets CloudWatch Logs in the region use it, for this account's log groups only", () => {
    const documents = Object.values(parse(stacks.api).data.aws_iam_policy_document);
    const keyPolicy = documents.find((d) => JSON.stringify(d).includes("logs.us-east-1.amazonaws.com")) as { statement: unknown[] };
    expect(keyPolicy.statement).toContainEqual({
      sid: "CloudWatchLogs",
      effect: "Allow",
      principals: [{ type: "Service", identifiers: ["logs.us-east-1.amazonaws.com"] }],
      actions: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"],
      resources: ["*"],
      condition: [
        {
          test: "ArnLike",
          variable: "kms:EncryptionContext:aws:logs:arn",
          values: [
            expect.stringMatching(/^arn:\$\{data\.aws_partition\.logs_key_\w+\.partition\}:logs:us-east-1:\$\{data\.aws_caller_identity\.logs_key_\w+\.account_id\}:log-group:\*$/),
          ],
        },
      ],
    });
  });
});

describe("STEPGATE_LOG_KMS_KEY", () => {
  it("uses a given key for every log group, creating none", () => {
    const arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const synthesized = synthApi(configWith({ STEPGATE_LOG_KMS_KEY: arn }));
    expect(resources(synthesized, "aws_kms_key")).toEqual([]);
    for (const group of resources(synthesized, "aws_cloudwatch_log_group")) expect(group.props.kms_key_id).toBe(arn);
  });

  it("leaves log groups to CloudWatch Logs' own encryption by default", () => {
    for (const synthesized of [synthWorkflow(), synthApi()]) {
      expect(synthesized).toHaveResource(CloudwatchLogGroup);
      expect(resources(synthesized, "aws_cloudwatch_log_group").map((g) => g.props.kms_key_id)).not.toContainEqual(expect.anything());
      expect(resources(synthesized, "aws_kms_key")).toEqual([]);
    }
  });
});
