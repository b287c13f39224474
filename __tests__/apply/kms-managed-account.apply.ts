import { describeApplied } from "../support/apply";

// Another region, the logs encrypted with keys of the stacks' own, the region's API Gateway logging
// role managed by stepgate, every log verbose, and the API key on $connect too.
describeApplied(
  "KMS key (create), managed account, another region, verbose logs, $connect API_KEY, API key value",
  {
    env: {
      STEPGATE_LOG_KMS_KEY: "create",
      STEPGATE_APIGW_ACCOUNT: "managed",
      STEPGATE_REGION: "eu-west-1",
      STEPGATE_LOG_LEVEL: "ALL",
      STEPGATE_LOG_EXECUTION_DATA: "true",
      STEPGATE_LOG_RETENTION_DAYS: "7",
      STEPGATE_WS_CONNECT_AUTH: "API_KEY",
      STEPGATE_REST_SEND_API_KEY_VALUE: "true",
    },
  },
  (applied) => {
    it("encrypts every log group with a key of its stack's own", async () => {
      const { aws, regions } = applied();
      const { logGroups } = await aws.call("logs", "describe_log_groups", {}, regions[0]);
      const { Aliases } = await aws.call("kms", "list_aliases", {}, regions[0]);
      const keys = Aliases.filter((a: { AliasName: string }) => /^alias\/stepgate-(workflow|api)-logs$/.test(a.AliasName)).map(
        (a: { TargetKeyId: string }) => a.TargetKeyId,
      );
      expect(keys).toHaveLength(2);
      expect(logGroups.length).toBeGreaterThan(0);
      for (const group of logGroups)
        expect([group.logGroupName, keys.some((key: string) => group.kmsKeyId?.endsWith(key))]).toEqual([group.logGroupName, true]);
    });

    it("sets the region's API Gateway logging role to the one the apigw-account stack made", async () => {
      const { aws, regions } = applied();
      expect(await aws.call("apigateway", "get_account", {}, regions[0])).toMatchObject({
        cloudwatchRoleArn: "arn:aws:iam::123456789012:role/stepgate-apigateway-cloudwatch-eu-west-1",
      });
    });
  },
);
