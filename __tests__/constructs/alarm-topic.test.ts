import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { AlarmTopic } from "../../stacks/constructs/alarm-topic";
import { address, parse, resources, synthScope } from "../support/stacks";

const synth = (emails?: string[]) => synthScope((scope) => new AlarmTopic(scope, "alarm_topic", { name: "test-alarms", region: "eu-west-1", emails }));

describe("AlarmTopic", () => {
  const synthesized = synth();
  const documents = Object.values(parse(synthesized).data.aws_iam_policy_document) as Array<{ statement: Array<Record<string, unknown>> }>;
  const statements = (sid: string) => documents.flatMap((d) => d.statement).filter((s) => s.sid === sid);

  it("is encrypted with a rotating key of its own, which CloudWatch of this account may use", () => {
    expect(synthesized).toHaveResourceWithProperties(SnsTopic, { name: "test-alarms", kms_master_key_id: `\${${address(synthesized, "aws_kms_key")}.arn}` });
    expect(synthesized).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true });
    expect(statements("CloudWatchAlarms")).toEqual([
      expect.objectContaining({
        principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
        condition: [expect.objectContaining({ variable: "aws:SourceAccount" })],
      }),
    ]);
  });

  it("lets only CloudWatch alarms of this account publish, and the account manage it", () => {
    const publish = statements("CloudWatchAlarmsPublish");
    expect(publish).toEqual([
      expect.objectContaining({
        principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
        actions: ["sns:Publish"],
        condition: [
          expect.objectContaining({ test: "StringEquals", variable: "aws:SourceAccount" }),
          expect.objectContaining({ test: "ArnLike", variable: "aws:SourceArn", values: [expect.stringMatching(/:cloudwatch:eu-west-1:\$\{.*\}:alarm:\*$/)] }),
        ],
      }),
    ]);
    const manage = statements("AccountManages");
    expect(manage).toHaveLength(1);
    expect(manage[0].actions).not.toContain("sns:Publish");
    expect(manage[0].principals).toEqual([{ type: "AWS", identifiers: [expect.stringMatching(/^arn:\$\{.*\}:iam::\$\{.*\}:root$/)] }]);
  });

  it("subscribes each e-mail address it is given, each named after its address", () => {
    expect(resources(synthesized, "aws_sns_topic_subscription")).toEqual([]);
    const withEmails = synth(["ops@example.com", "oncall@example.com"]);
    expect(withEmails).toHaveResourceWithProperties(SnsTopicSubscription, { protocol: "email", endpoint: "ops@example.com" });
    expect(withEmails).toHaveResourceWithProperties(SnsTopicSubscription, { protocol: "email", endpoint: "oncall@example.com" });
    const reordered = synth(["oncall@example.com", "ops@example.com"]);
    const ids = (s: string) =>
      resources(s, "aws_sns_topic_subscription")
        .map((r) => `${r.logicalId}=${r.props.endpoint}`)
        .sort();
    expect(ids(reordered)).toEqual(ids(withEmails));
  });
});
