import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SynthesizedStack } from "../../local/synthesized";
import { evaluateTerraformString } from "../../local/terraform-string";
import { resourceNames } from "../../stacks/config/names";
import { LogsKey } from "../../stacks/constructs/logs-key";
import { allows, type PolicyRequest } from "../support/iam-policy";
import { address, synthScope } from "../support/stacks";

const REGION = "eu-west-1";
const ACCOUNT = "123456789012";
const OTHER_ACCOUNT = "210987654321";
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/0c6f2f06-5a4e-4f5e-9f2b-1a2b3c4d5e6f`;
/** What CloudWatch Logs asks of the key for a log group: encrypt, decrypt, and the rest of the policy's actions. */
const LOGS_ACTIONS = [
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:DescribeKey",
];

describe("LogsKey", () => {
  const synthesized = synthScope((scope) => new LogsKey(scope, "logs_key", { aliasName: "test-logs", region: REGION }));
  const stack = new SynthesizedStack(synthesized);

  it("is a rotating key, deleted only after 30 days, with the alias it is given", () => {
    expect(synthesized).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(synthesized).toHaveResourceWithProperties(KmsAlias, { name: "alias/test-logs", target_key_id: `\${${address(synthesized, "aws_kms_key")}.key_id}` });
  });

  describe("its key policy, judged as IAM judges a request to a key in account 123456789012", () => {
    // The key's own policy, its partition and account as AWS gives them in that account.
    const reference = /^\$\{data\.aws_iam_policy_document\.(\w+)\.json\}$/.exec(stack.only("aws_kms_key").props.policy);
    const document = stack.resources("aws_iam_policy_document", () => true, "data").find((d) => d.logicalId === reference?.[1])?.props ?? {};
    const data = (type: string) => stack.resources(type, () => true, "data").map((d) => `data.${type}.${d.logicalId}`);
    const values = {
      ...Object.fromEntries(data("aws_partition").map((d) => [`${d}.partition`, "aws"])),
      ...Object.fromEntries(data("aws_caller_identity").map((d) => [`${d}.account_id`, ACCOUNT])),
    };
    const policy = JSON.parse(evaluateTerraformString(JSON.stringify(document), values));
    const request = (r: Partial<PolicyRequest> & Pick<PolicyRequest, "principal" | "action">): PolicyRequest => ({ resource: KEY_ARN, ...r });

    const logs = { type: "Service", id: `logs.${REGION}.amazonaws.com` } as const;
    const logGroup = (name: string, region = REGION, account = ACCOUNT) => ({
      "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${region}:${account}:log-group:${name}`,
    });
    const names = resourceNames("stepgate");
    const stepgateGroups = [names.stateMachineLogGroup, names.restAccessLogGroup, names.websocketAccessLogGroup];

    it("is the key's own policy, with statements to judge", () => {
      expect(reference).not.toBeNull();
      expect(policy.statement.length).toBeGreaterThan(0);
    });

    it.each(LOGS_ACTIONS)("lets CloudWatch Logs of the region %s for a log group of the account", (action) => {
      for (const group of stepgateGroups)
        expect([group, allows(policy, request({ principal: logs, action, context: logGroup(group) }))]).toEqual([group, true]);
    });

    it("refuses CloudWatch Logs for another account's log group, another region's, what is not a log group, or without one in the encryption context", () => {
      for (const action of LOGS_ACTIONS) {
        expect(allows(policy, request({ principal: logs, action, context: logGroup(names.stateMachineLogGroup, REGION, OTHER_ACCOUNT) }))).toBe(false);
        expect(allows(policy, request({ principal: logs, action, context: logGroup(names.stateMachineLogGroup, "us-east-1") }))).toBe(false);
        expect(allows(policy, request({ principal: logs, action }))).toBe(false);
        // The ARN of something else than a log group, in the account and region: a Logs destination, a topic.
        for (const arn of [`arn:aws:logs:${REGION}:${ACCOUNT}:destination:stepgate`, `arn:aws:sns:${REGION}:${ACCOUNT}:stepgate-alarms`]) {
          expect([arn, allows(policy, request({ principal: logs, action, context: { "kms:EncryptionContext:aws:logs:arn": arn } }))]).toEqual([arn, false]);
        }
      }
    });

    it("refuses CloudWatch Logs of another region, and other services", () => {
      for (const id of ["logs.us-east-1.amazonaws.com", "sns.amazonaws.com", "states.amazonaws.com"]) {
        expect([
          id,
          allows(policy, request({ principal: { type: "Service", id }, action: "kms:Decrypt", context: logGroup(names.stateMachineLogGroup) })),
        ]).toEqual([id, false]);
      }
    });

    it("lets CloudWatch Logs use the key, never administer it", () => {
      for (const action of ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:CreateGrant"]) {
        expect([action, allows(policy, request({ principal: logs, action, context: logGroup(names.stateMachineLogGroup) }))]).toEqual([action, false]);
      }
    });

    it("leaves the key to the account (AWS's default key policy: its IAM policies then decide for its users and roles)", () => {
      const account = { type: "AWS", id: `arn:aws:iam::${ACCOUNT}:root` } as const;
      for (const action of ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:EnableKeyRotation", "kms:Decrypt", "kms:DescribeKey"]) {
        expect([action, allows(policy, request({ principal: account, action }))]).toEqual([action, true]);
      }
    });

    it("refuses another account, whatever it asks", () => {
      const other = { type: "AWS", id: `arn:aws:iam::${OTHER_ACCOUNT}:root` } as const;
      for (const action of ["kms:Decrypt", "kms:Encrypt", "kms:DescribeKey", "kms:PutKeyPolicy"]) {
        expect([action, allows(policy, request({ principal: other, action, context: logGroup(names.stateMachineLogGroup) }))]).toEqual([action, false]);
      }
    });
  });
});
