import { describeApplied } from "../support/apply";

// Another region, the logs encrypted with keys of the stacks' own, the region's API Gateway logging
// role managed by stepgate, every log verbose, and the API key on $connect too.
describeApplied("KMS key (create), managed account, another region, verbose logs, $connect API_KEY, API key value", {
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
});
