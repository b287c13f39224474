import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";
import { RestWaf } from "../../stacks/constructs/rest-waf";
import { synthScope } from "../support/stacks";

describe("RestWaf", () => {
  it("associates the web ACL with the REST stage", () => {
    const webAclArn = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/acl/0000";
    const synthesized = synthScope((scope) => new RestWaf(scope, "rest_waf", { webAclArn, stageArn: "arn:aws:apigateway:us-east-1::/restapis/a/stages/api" }));
    expect(synthesized).toHaveResourceWithProperties(Wafv2WebAclAssociation, {
      resource_arn: "arn:aws:apigateway:us-east-1::/restapis/a/stages/api",
      web_acl_arn: webAclArn,
    });
  });
});
