import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { LogsKey } from "../../stacks/constructs/logs-key";
import { address, parse, synthScope } from "../support/stacks";

describe("LogsKey", () => {
  const synthesized = synthScope((scope) => new LogsKey(scope, "logs_key", { aliasName: "test-logs", region: "us-east-1" }));

  it("is a rotating key, deleted only after 30 days, with the alias it is given", () => {
    expect(synthesized).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(synthesized).toHaveResourceWithProperties(KmsAlias, { name: "alias/test-logs", target_key_id: `\${${address(synthesized, "aws_kms_key")}.key_id}` });
  });

  it("lets CloudWatch Logs in the region use it, for this account's log groups only", () => {
    const documents = Object.values(parse(synthesized).data.aws_iam_policy_document);
    const keyPolicy = documents.find((d) => JSON.stringify(d).includes("logs.us-east-1.amazonaws.com")) as { statement: unknown[] };
    expect(keyPolicy.statement).toContainEqual({
      sid: "CloudWatchLogs",
      effect: "Allow",
      principals: [{ type: "Service", identifiers: ["logs.us-east-1.amazonaws.com"] }],
      actions: [
        "kms:Decrypt",
        "kms:DescribeKey",
        "kms:Encrypt",
        "kms:GenerateDataKey",
        "kms:GenerateDataKeyWithoutPlaintext",
        "kms:ReEncryptFrom",
        "kms:ReEncryptTo",
      ],
      resources: ["*"],
      condition: [
        {
          test: "ArnLike",
          variable: "kms:EncryptionContext:aws:logs:arn",
          values: [
            expect.stringMatching(
              /^arn:\$\{data\.aws_partition\.logs_key_\w+\.partition\}:logs:us-east-1:\$\{data\.aws_caller_identity\.logs_key_\w+\.account_id\}:log-group:\*$/,
            ),
          ],
        },
      ],
    });
  });
});
