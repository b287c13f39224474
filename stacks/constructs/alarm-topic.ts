import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Construct } from "constructs";

export interface AlarmTopicProps {
  /** Name of the topic, and of its key's alias. */
  readonly name: string;
  readonly region: string;
  /**
   * E-mail addresses to subscribe (each confirms by the mail AWS sends).
   * @default none
   */
  readonly emails?: readonly string[];
}

/**
 * The SNS topic alarms notify: encrypted with a key of its own, since CloudWatch cannot publish to a
 * topic encrypted with the AWS-managed SNS key; only CloudWatch alarms of this account may publish
 * to it, and the account manages it (no public access, no other publisher).
 */
export class AlarmTopic extends Construct {
  readonly topic: SnsTopic;
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const account = new DataAwsCallerIdentity(this, "account");
    const partition = new DataAwsPartition(this, "partition");
    const accountRoot = `arn:${partition.partition}:iam::${account.accountId}:root`;
    const fromThisAccountsAlarms = [
      { test: "StringEquals", variable: "aws:SourceAccount", values: [account.accountId] },
      { test: "ArnLike", variable: "aws:SourceArn", values: [`arn:${partition.partition}:cloudwatch:${props.region}:${account.accountId}:alarm:*`] },
    ];

    const keyPolicy = new DataAwsIamPolicyDocument(this, "key_policy", {
      statement: [
        { sid: "Account", effect: "Allow", principals: [{ type: "AWS", identifiers: [accountRoot] }], actions: ["kms:*"], resources: ["*"] },
        {
          sid: "CloudWatchAlarms",
          effect: "Allow",
          principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
          actions: ["kms:Decrypt", "kms:GenerateDataKey"],
          resources: ["*"],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [account.accountId] }],
        },
      ],
    });
    this.key = new KmsKey(this, "key", {
      description: `Alarm notifications of ${props.name}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: keyPolicy.json,
    });
    new KmsAlias(this, "alias", { name: `alias/${props.name}`, targetKeyId: this.key.keyId });
    this.topic = new SnsTopic(this, "topic", { name: props.name, kmsMasterKeyId: this.key.arn });

    const topicPolicy = new DataAwsIamPolicyDocument(this, "topic_policy", {
      statement: [
        {
          sid: "AccountManages",
          effect: "Allow",
          principals: [{ type: "AWS", identifiers: [accountRoot] }],
          actions: [
            "sns:GetTopicAttributes",
            "sns:SetTopicAttributes",
            "sns:AddPermission",
            "sns:RemovePermission",
            "sns:DeleteTopic",
            "sns:Subscribe",
            "sns:ListSubscriptionsByTopic",
          ],
          resources: [this.topic.arn],
        },
        {
          sid: "CloudWatchAlarmsPublish",
          effect: "Allow",
          principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
          actions: ["sns:Publish"],
          resources: [this.topic.arn],
          condition: fromThisAccountsAlarms,
        },
      ],
    });
    new SnsTopicPolicy(this, "policy", { arn: this.topic.arn, policy: topicPolicy.json });
    // Named after the address, not its place in the list: reordering the list replaces nothing.
    for (const email of props.emails ?? []) {
      new SnsTopicSubscription(this, `email_${email}`, { topicArn: this.topic.arn, protocol: "email", endpoint: email });
    }
  }
}
