import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";
import { Construct } from "constructs";

export interface RestWafProps {
  /** ARN of a regional WAFv2 web ACL, in the stage's region. */
  readonly webAclArn: string;
  /** ARN of the REST API's stage. */
  readonly stageArn: string;
}

/** A WAFv2 web ACL in front of the REST stage (WAF cannot protect WebSocket APIs). */
export class RestWaf extends Construct {
  readonly association: Wafv2WebAclAssociation;

  constructor(scope: Construct, id: string, props: RestWafProps) {
    super(scope, id);
    this.association = new Wafv2WebAclAssociation(this, "association", { resourceArn: props.stageArn, webAclArn: props.webAclArn });
  }
}
