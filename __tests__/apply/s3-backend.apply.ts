import { describeApplied } from "../support/apply";

const STATE_REGION = "eu-central-1";

// State in S3 (the emulator's, the bucket in another region, keys under a prefix); no monitoring;
// the WebSocket custom domain alone, on a certificate of the user's.
describeApplied(
  "S3 backend (bucket in another region, key prefix), monitoring off, WebSocket domain (certificate ARN)",
  {
    env: {
      STEPGATE_BACKEND: "s3",
      STEPGATE_S3_BUCKET: "acme-terraform-state",
      STEPGATE_S3_REGION: STATE_REGION,
      STEPGATE_S3_KEY_PREFIX: "teams/payments",
      STEPGATE_MONITORING: "off",
      STEPGATE_WS_DOMAIN_NAME: "ws.example.com",
    },
    seed: async (aws) => {
      await aws.call("s3", "create_bucket", { Bucket: "acme-terraform-state", CreateBucketConfiguration: { LocationConstraint: STATE_REGION } }, STATE_REGION);
      const certificate = await aws.call("acm", "request_certificate", { DomainName: "ws.example.com", ValidationMethod: "DNS" });
      return { STEPGATE_CERTIFICATE_ARN: certificate.CertificateArn };
    },
  },
  (applied) => {
    it("keeps both states in the bucket, under the key prefix", async () => {
      const { Contents } = await applied().aws.call("s3", "list_objects_v2", { Bucket: "acme-terraform-state" }, STATE_REGION);
      expect(Contents.map((o: { Key: string }) => o.Key).sort()).toEqual(["teams/payments/api.tfstate", "teams/payments/workflow.tfstate"]);
    });
  },
);
