import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";

export interface LogsKeyProps {
  /** Name of the key's alias, without `alias/`. */
  readonly aliasName: string;
  readonly region: string;
}

/**
 * A customer-managed KMS key for one stack's log groups. Its policy lets CloudWatch Logs in the
 * region use it for this account's log groups only; the account statement is AWS's default key
 * policy, which leaves access to IAM (without it nobody could manage the key).
 */
export class LogsKey extends Construct {
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: LogsKeyProps) {
    super(scope, id);
    const account = new DataAwsCallerIdentity(this, "account");
    const partition = new DataAwsPartition(this, "partition");
    const policy = new DataAwsIamPolicyDocument(this, "policy", {
      statement: [
        {
          sid: "Account",
          effect: "Allow",
          principals: [{ type: "AWS", identifiers: [`arn:${partition.partition}:iam::${account.accountId}:root`] }],
          actions: ["kms:*"],
          resources: ["*"],
        },
        {
          sid: "CloudWatchLogs",
          effect: "Allow",
          principals: [{ type: "Service", identifiers: [`logs.${props.region}.amazonaws.com`] }],
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
              values: [`arn:${partition.partition}:logs:${props.region}:${account.accountId}:log-group:*`],
            },
          ],
        },
      ],
    });
    this.key = new KmsKey(this, "key", {
      description: `Log groups of ${props.aliasName}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policy.json,
    });
    new KmsAlias(this, "alias", { name: `alias/${props.aliasName}`, targetKeyId: this.key.keyId });
  }
}
