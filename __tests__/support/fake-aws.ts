import type * as http from "node:http";

/**
 * The AWS calls a `terraform plan` of stepgate's stacks makes besides S3, answered on loopback:
 * STS GetCallerIdentity (the provider's account id) and Step Functions
 * ValidateStateMachineDefinition (the provider checks each definition at plan time).
 * Returns undefined for anything else, which the caller answers as S3.
 */
export function answerAwsApi(req: http.IncomingMessage, body: string): { status: number; type: string; body: string } | undefined {
  const target = String(req.headers["x-amz-target"] ?? "");
  if (req.method === "POST" && /(^|&)Action=GetCallerIdentity(&|$)/.test(body)) {
    return {
      status: 200,
      type: "text/xml",
      body:
        '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
        `<Arn>arn:aws:iam::${FAKE_ACCOUNT}:user/test</Arn><UserId>AIDATEST</UserId><Account>${FAKE_ACCOUNT}</Account>` +
        "</GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>",
    };
  }
  if (target === "AWSStepFunctions.ValidateStateMachineDefinition") {
    return { status: 200, type: "application/x-amz-json-1.0", body: JSON.stringify({ result: "OK", diagnostics: [] }) };
  }
  if (target || (req.method === "POST" && /(^|&)Action=/.test(body))) {
    return {
      status: 400,
      type: "application/x-amz-json-1.0",
      body: JSON.stringify({ __type: "UnknownOperationException", message: `fake AWS: ${target || body.slice(0, 60)}` }),
    };
  }
  return undefined;
}

/** The account the fake STS answers with. */
export const FAKE_ACCOUNT = "123456789012";

/** What a request to the fake AWS APIs was, for the record: "Service.Operation". */
export function awsApiName(req: http.IncomingMessage, body: string): string | undefined {
  const target = req.headers["x-amz-target"];
  if (target) return String(target);
  return /(?:^|&)Action=([A-Za-z]+)/.exec(body)?.[1];
}
