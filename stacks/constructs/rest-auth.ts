import { ApiGatewayAuthorizer } from "@cdktf/provider-aws/lib/api-gateway-authorizer";
import type { TerraformResource } from "cdktf";
import { Construct } from "constructs";

/** Who may call the REST API: API key holders, Cognito users (signed in, no Lambda), or SigV4 signers. */
export const REST_AUTHS = ["API_KEY", "COGNITO", "AWS_IAM"] as const;
export type RestAuthMode = (typeof REST_AUTHS)[number];
/** The API key and its usage plan only, as in the seed. */
export const DEFAULT_REST_AUTH: RestAuthMode = "API_KEY";
/** The key (and so the usage plan's quota and throttling per key) stays on top of COGNITO and AWS_IAM. */
export const DEFAULT_REST_API_KEY_REQUIRED = true;
/** Where a client puts its Cognito token: `Authorization: <token>` (API Gateway also takes `Bearer <token>`). */
export const COGNITO_IDENTITY_SOURCE = "method.request.header.Authorization";

/** The caller's identity each mode adds to `apiInfo`: the Cognito token's `sub`, the SigV4 signer's IAM ARN; never a token. */
const CALLER_FIELDS: Readonly<Record<RestAuthMode, string>> = {
  API_KEY: "",
  COGNITO: ` + ',"sub":"' + $util.escapeJavaScript("$!context.authorizer.claims.sub").replaceAll("\\\\'", "'") + '"'`,
  AWS_IAM: ` + ',"userArn":"' + $util.escapeJavaScript("$!context.identity.userArn").replaceAll("\\\\'", "'") + '"'`,
};

export interface RestAuthProps {
  readonly restApiId: string;
  /** Name of the Cognito authorizer. */
  readonly name: string;
  /**
   * How callers authorize.
   * @default DEFAULT_REST_AUTH ("API_KEY")
   */
  readonly mode?: RestAuthMode;
  /**
   * COGNITO: ARNs of the user pools whose tokens are accepted (required for COGNITO).
   * @default none
   */
  readonly userPoolArns?: readonly string[];
  /**
   * COGNITO: OAuth scopes, one of which an access token must carry; without scopes, ID tokens are taken.
   * @default none: ID tokens
   */
  readonly scopes?: readonly string[];
  /**
   * Whether the API key is required too (it always is with API_KEY).
   * @default DEFAULT_REST_API_KEY_REQUIRED (true)
   */
  readonly apiKeyRequired?: boolean;
}

/**
 * The REST methods' authorization: what a method takes (`methodProps`), what its request template
 * adds to `apiInfo` (`templateValues`), and, for COGNITO, a Cognito user pool authorizer (API
 * Gateway checks the token's signature, issuer and expiry itself).
 */
export class RestAuth extends Construct {
  /** What shapes the API: its deployment must follow them. */
  readonly resources: TerraformResource[] = [];
  readonly methodProps: {
    readonly authorization: string;
    readonly authorizerId?: string;
    readonly authorizationScopes?: string[];
    readonly apiKeyRequired: boolean;
  };
  /** Values of the request template's placeholders: the API key's id, and the caller's identity. */
  readonly templateValues: { readonly API_KEY_ID: string; readonly CALLER: string };
  /**
   * Who owns an async execution (a VTL string): the API key while one is required, else the Cognito
   * user or the IAM principal. GET /executions/<id> answers only the caller that owns the execution.
   */
  readonly owner: string;

  constructor(scope: Construct, id: string, props: RestAuthProps) {
    super(scope, id);
    const mode = props.mode ?? DEFAULT_REST_AUTH;
    const apiKeyRequired = mode === "API_KEY" || (props.apiKeyRequired ?? DEFAULT_REST_API_KEY_REQUIRED);
    if (mode === "COGNITO") {
      if (!props.userPoolArns?.length) throw new Error("RestAuth: COGNITO needs at least one user pool");
      const authorizer = new ApiGatewayAuthorizer(this, "cognito_authorizer", {
        restApiId: props.restApiId,
        name: props.name,
        type: "COGNITO_USER_POOLS",
        providerArns: [...props.userPoolArns],
        identitySource: COGNITO_IDENTITY_SOURCE,
      });
      this.resources.push(authorizer);
      this.methodProps = {
        authorization: "COGNITO_USER_POOLS",
        authorizerId: authorizer.id,
        authorizationScopes: props.scopes?.length ? [...props.scopes] : undefined,
        apiKeyRequired,
      };
    } else {
      this.methodProps = { authorization: mode === "AWS_IAM" ? "AWS_IAM" : "NONE", apiKeyRequired };
    }
    // Without a key, $context.identity.apiKeyId may be null, which would break the concatenation.
    this.templateValues = { API_KEY_ID: apiKeyRequired ? "$context.identity.apiKeyId" : '"$!context.identity.apiKeyId"', CALLER: CALLER_FIELDS[mode] };
    this.owner = apiKeyRequired
      ? '"key:$!context.identity.apiKeyId"'
      : mode === "COGNITO"
        ? '"cognito:$!context.authorizer.claims.sub"'
        : '"iam:$!context.identity.userArn"';
  }
}
