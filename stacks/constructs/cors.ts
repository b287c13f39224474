import { ApiGatewayGatewayResponse } from "@cdktf/provider-aws/lib/api-gateway-gateway-response";
import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { ApiGatewayIntegrationResponse } from "@cdktf/provider-aws/lib/api-gateway-integration-response";
import { ApiGatewayMethod } from "@cdktf/provider-aws/lib/api-gateway-method";
import { ApiGatewayMethodResponse } from "@cdktf/provider-aws/lib/api-gateway-method-response";
import type { TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { templateFile } from "./template-file";

/** The request headers a browser may send: the body's type, the API key, a bearer token or SigV4. */
export const CORS_ALLOWED_HEADERS = ["Content-Type", "X-Api-Key", "Authorization"] as const;
/** What a browser's SigV4 signer adds besides Authorization (AWS_IAM). */
export const SIGV4_HEADERS = ["X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256"] as const;
/** Any origin: `Access-Control-Allow-Origin: *`, never with `Access-Control-Allow-Credentials`. */
export const ANY_ORIGIN = "*";

/**
 * API Gateway's own errors a browser can get (403 key or authorization, 415, 429, 400, 401, 5xx):
 * their default template, kept, with the CORS header added.
 */
const GATEWAY_RESPONSE_TYPES = ["DEFAULT_4XX", "DEFAULT_5XX"] as const;
export const GATEWAY_RESPONSE_TEMPLATE = '{"message":$context.error.messageString}';

export interface RestCorsProps {
  /** The REST API. */
  readonly restApiId: string;
  /** The origins allowed (`https://app.example.com`), or `["*"]` for any. */
  readonly origins: readonly string[];
  /**
   * The request headers the preflight allows.
   * @default CORS_ALLOWED_HEADERS
   */
  readonly allowedHeaders?: readonly string[];
}

/**
 * CORS for a REST API, so browser apps on the allowed origins can call it and read its answers:
 * an `OPTIONS` preflight per resource (`preflight`), `Access-Control-Allow-Origin` on the methods'
 * own answers (`methodResponseParameters`, `integrationResponseParameters`, `responseTemplate`) and
 * on API Gateway's own errors (gateway responses).
 *
 * One origin, or `*`: a fixed header everywhere. Several origins: the methods' answers and the
 * preflight echo the request's `Origin` only when it is listed (a template, with `Vary: Origin`);
 * API Gateway's own errors get no CORS header, as gateway responses cannot choose between origins
 * (their templates are not run through VTL) and echoing any origin would allow every site.
 */
export class RestCors extends Construct {
  /** What shapes the API: its deployment must follow them. */
  readonly resources: TerraformResource[] = [];
  private readonly origins: readonly string[];
  private readonly restApiId: string;
  private readonly allowedHeaders: readonly string[];

  constructor(scope: Construct, id: string, props: RestCorsProps) {
    super(scope, id);
    if (props.origins.length === 0) throw new Error("RestCors: at least one origin, or *");
    this.origins = props.origins;
    this.restApiId = props.restApiId;
    this.allowedHeaders = props.allowedHeaders ?? CORS_ALLOWED_HEADERS;
    if (this.fixedOrigin !== undefined) {
      for (const responseType of GATEWAY_RESPONSE_TYPES) {
        this.resources.push(
          new ApiGatewayGatewayResponse(this, `gateway_response_${responseType.toLowerCase()}`, {
            restApiId: props.restApiId,
            responseType,
            responseParameters: this.gatewayResponseParameters,
            responseTemplates: { "application/json": GATEWAY_RESPONSE_TEMPLATE },
          }),
        );
      }
    }
  }

  /** The one value of `Access-Control-Allow-Origin`, or undefined when it depends on the request. */
  get fixedOrigin(): string | undefined {
    return this.origins.length === 1 ? this.origins[0] : undefined;
  }

  /** The CORS header of API Gateway's own errors: the fixed origin, or none (see the class). */
  get gatewayResponseParameters(): Record<string, string> | undefined {
    return this.fixedOrigin === undefined ? undefined : { "gatewayresponse.header.Access-Control-Allow-Origin": quoted(this.fixedOrigin) };
  }

  /** What a method response declares: the CORS headers it may carry. */
  get methodResponseParameters(): Record<string, boolean> {
    return Object.fromEntries(
      ["Access-Control-Allow-Origin", ...(this.fixedOrigin === undefined ? ["Vary"] : [])].map((h) => [`method.response.header.${h}`, true]),
    );
  }

  /** What an integration response maps: the fixed origin, or nothing (the template sets it). */
  get integrationResponseParameters(): Record<string, string> | undefined {
    return this.fixedOrigin === undefined ? undefined : { "method.response.header.Access-Control-Allow-Origin": quoted(this.fixedOrigin) };
  }

  /** A response template with, for several origins, the lines that echo a listed `Origin` first. */
  responseTemplate(template: string): string {
    if (this.fixedOrigin !== undefined) return template;
    const listed = this.origins.map((o) => `$corsOrigin == "${o}"`).join(" || ");
    return templateFile("rest-cors-origin.vtl", { LISTED: listed }) + template;
  }

  /** An `OPTIONS` preflight on a resource: a mock, open to all (no key, no authorization), answering the allowed methods and headers. */
  preflight(id: string, resourceId: string, methods: readonly string[]): TerraformResource[] {
    const method = new ApiGatewayMethod(this, `${id}_method`, {
      restApiId: this.restApiId,
      resourceId,
      httpMethod: "OPTIONS",
      authorization: "NONE",
      apiKeyRequired: false,
    });
    const integration = new ApiGatewayIntegration(this, `${id}_integration`, {
      restApiId: this.restApiId,
      resourceId,
      httpMethod: method.httpMethod,
      type: "MOCK",
      requestTemplates: { "application/json": '{"statusCode": 200}' },
    });
    const allow = { "Access-Control-Allow-Headers": this.allowedHeaders.join(","), "Access-Control-Allow-Methods": ["OPTIONS", ...methods].join(",") };
    const methodResponse = new ApiGatewayMethodResponse(this, `${id}_method_response`, {
      restApiId: this.restApiId,
      resourceId,
      httpMethod: method.httpMethod,
      statusCode: "200",
      responseParameters: {
        ...Object.fromEntries(Object.keys(allow).map((h) => [`method.response.header.${h}`, true])),
        ...this.methodResponseParameters,
      },
    });
    const integrationResponse = new ApiGatewayIntegrationResponse(this, `${id}_integration_response`, {
      restApiId: this.restApiId,
      resourceId,
      httpMethod: method.httpMethod,
      statusCode: "200",
      responseParameters: {
        ...Object.fromEntries(Object.entries(allow).map(([h, v]) => [`method.response.header.${h}`, quoted(v)])),
        ...this.integrationResponseParameters,
      },
      responseTemplates: this.fixedOrigin === undefined ? { "application/json": this.responseTemplate("") } : undefined,
      dependsOn: [integration, methodResponse],
    });
    const created = [method, integration, methodResponse, integrationResponse];
    this.resources.push(...created);
    return created;
  }
}

/** A static value of a response parameter. */
function quoted(value: string): string {
  return `'${value}'`;
}
