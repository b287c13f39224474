import { describeApplied } from "../support/apply";

// Both custom domains in a Route 53 zone (certificate validated there), Cognito access tokens
// without the API key, a WAF web ACL, $connect signed with SigV4, an existing KMS key and SNS
// topic, and a second workflow. The zone, user pool, web ACL, key and topic exist first.
describeApplied(
  "custom domains (zone), COGNITO, WAF, $connect AWS_IAM, KMS key (ARN), alarm topic (ARN), a second workflow",
  {
    env: {
      STEPGATE_REST_DOMAIN_NAME: "api.example.com",
      STEPGATE_WS_DOMAIN_NAME: "ws.example.com",
      STEPGATE_REST_AUTH: "COGNITO",
      STEPGATE_COGNITO_SCOPES: "stepgate/invoke",
      STEPGATE_REST_API_KEY_REQUIRED: "false",
      STEPGATE_WS_CONNECT_AUTH: "AWS_IAM",
      STEPGATE_WORKFLOWS: "orders=templates/workflow.asl.json",
    },
    seed: async (aws) => {
      const zone = await aws.call("route53", "create_hosted_zone", { Name: "example.com", CallerReference: "stepgate-apply" });
      const pool = await aws.call("cognito-idp", "create_user_pool", { PoolName: "stepgate-users" });
      const acl = await aws.call("wafv2", "create_web_acl", {
        Name: "stepgate",
        Scope: "REGIONAL",
        DefaultAction: { Allow: {} },
        VisibilityConfig: { SampledRequestsEnabled: false, CloudWatchMetricsEnabled: false, MetricName: "stepgate" },
      });
      const key = await aws.call("kms", "create_key", { Description: "logs" });
      const topic = await aws.call("sns", "create_topic", { Name: "ops-alarms" });
      return {
        STEPGATE_HOSTED_ZONE_ID: zone.HostedZone.Id.replace("/hostedzone/", ""),
        STEPGATE_COGNITO_USER_POOL_ARNS: pool.UserPool.Arn,
        STEPGATE_REST_WAF_ACL_ARN: acl.Summary.ARN,
        STEPGATE_LOG_KMS_KEY: key.KeyMetadata.Arn,
        STEPGATE_ALARM_TOPIC_ARN: topic.TopicArn,
      };
    },
  },
  (applied) => {
    it("puts an alias record for each name, and the certificate's validation records, in the zone", async () => {
      const { aws } = applied();
      const [zone] = (await aws.call("route53", "list_hosted_zones")).HostedZones;
      const { ResourceRecordSets } = await aws.call("route53", "list_resource_record_sets", { HostedZoneId: zone.Id });
      const records = ResourceRecordSets.map(
        (r: { Name: string; Type: string; AliasTarget?: unknown }) => `${r.Type} ${r.Name}${r.AliasTarget ? " alias" : ""}`,
      );
      expect(records).toEqual(expect.arrayContaining(["A api.example.com. alias", "A ws.example.com. alias"]));
      expect(records.filter((r: string) => r.startsWith("CNAME "))).toHaveLength(2);
    });

    it("protects the REST stage with the web ACL", async () => {
      const { aws, outputs } = applied();
      const { WebACLs } = await aws.call("wafv2", "list_web_acls", { Scope: "REGIONAL" });
      const { ResourceArns } = await aws.call("wafv2", "list_resources_for_web_acl", { WebACLArn: WebACLs[0].ARN, ResourceType: "API_GATEWAY" });
      const restApiId = new URL(String((await outputs("api")).rest_invoke_url)).hostname.split(".")[0];
      expect(ResourceArns).toEqual([`arn:aws:apigateway:us-east-1::/restapis/${restApiId}/stages/api`]);
    });
  },
);
