import type * as http from "node:http";
import { GATEWAY_RESPONSES } from "./gateway-responses";
import { LOCAL_ACCOUNT, type SynthesizedApp } from "./synthesized";

/**
 * Who calls the local gateway, as API Gateway's authorization sees it: the REST methods' (API key,
 * AWS_IAM, COGNITO) and `$connect`'s; what the templates then read in `$context.identity`.
 */

/** The id API Gateway gives an API key (`$context.identity.apiKeyId`): the first key's is `localapikeyid`, each other's numbered. */
export const apiKeyIdOf = (index: number) => (index === 0 ? "localapikeyid" : `localapikeyid${index + 1}`);

/** Why `$connect` is refused, or undefined when it is authorized. */
export function connectRefusal(
  auth: SynthesizedApp["websocket"]["connectAuth"],
  req: http.IncomingMessage,
  apiKeys: ReadonlyMap<string, string>,
): string | undefined {
  if (auth === "API_KEY" && !apiKeys.has(String(req.headers["x-api-key"]))) return "Forbidden";
  if (auth === "AWS_IAM") {
    // Only the presence of a SigV4 signature is checked: there are no credentials to verify it against.
    const signed = String(req.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256") || /[?&]X-Amz-Signature=/.test(req.url ?? "");
    if (!signed) return "Forbidden";
  }
  return undefined;
}

/**
 * Who the connection's caller is, as `$connect` authorized it, for `$context.identity` of its
 * messages: the API key's id (API_KEY), or the signer's ARN, made up from its key id (AWS_IAM).
 */
export function connectIdentity(
  auth: SynthesizedApp["websocket"]["connectAuth"],
  req: http.IncomingMessage,
  apiKeys: ReadonlyMap<string, string>,
): { apiKeyId?: string; userArn?: string } {
  if (auth === "API_KEY") return { apiKeyId: apiKeys.get(String(req.headers["x-api-key"])) };
  if (auth === "AWS_IAM") {
    const credential =
      /Credential=([A-Z0-9]+)\//.exec(String(req.headers.authorization ?? ""))?.[1] ?? /[?&]X-Amz-Credential=([A-Z0-9]+)/.exec(req.url ?? "")?.[1];
    return credential === undefined ? {} : { userArn: `arn:aws:iam::${LOCAL_ACCOUNT}:user/${credential}` };
  }
  return {};
}

export type Caller = { readonly claims?: Record<string, string>; readonly userArn?: string } | { readonly refused: { statusCode: number; message: string } };

/**
 * Who calls, as the REST method's authorization sees it. AWS_IAM: a SigV4 signature must be present
 * (it is not verified: there are no credentials to check it against); the caller's ARN is made up
 * from the signing key's id. COGNITO: a token's presence, shape (a JWT), issuer (one of the user
 * pools), expiry and use (an ID token, or with scopes an access token carrying one of them) are
 * checked, not its signature (the pool's keys are on AWS); its claims are passed on, as strings.
 */
export function authorizeCaller(auth: SynthesizedApp["rest"]["auth"], headers: http.IncomingHttpHeaders, now = Date.now()): Caller {
  const authorization = String(headers.authorization ?? "");
  if (auth.authorization === "AWS_IAM") {
    const signed = /^AWS4-HMAC-SHA256 Credential=([A-Z0-9]+)\//.exec(authorization);
    if (!signed) return { refused: GATEWAY_RESPONSES.missingAuthenticationToken };
    return { userArn: `arn:aws:iam::${LOCAL_ACCOUNT}:user/${signed[1]}` };
  }
  if (auth.authorization !== "COGNITO_USER_POOLS") return {};
  const token = authorization.replace(/^Bearer /, "");
  if (token === "") return { refused: GATEWAY_RESPONSES.unauthorized };
  let claims: Record<string, unknown>;
  try {
    const [header, payload, signature] = token.split(".");
    if (signature === undefined || token.split(".").length !== 3) throw new Error("not a JWT");
    JSON.parse(Buffer.from(header, "base64url").toString("utf8"));
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    if (typeof claims !== "object" || claims === null || Array.isArray(claims)) throw new Error("not a JWT");
  } catch {
    return { refused: GATEWAY_RESPONSES.unauthorized };
  }
  const issuers = auth.userPoolArns.map((arn) => {
    const [, , , region, , resource] = arn.split(":");
    return `https://cognito-idp.${region}.amazonaws.com/${resource.replace(/^userpool\//, "")}`;
  });
  if (!issuers.includes(String(claims.iss))) return { refused: GATEWAY_RESPONSES.unauthorized };
  if (typeof claims.exp !== "number" || claims.exp * 1000 <= now) return { refused: GATEWAY_RESPONSES.tokenExpired };
  if (auth.scopes.length === 0 ? claims.token_use !== "id" : claims.token_use !== "access") return { refused: GATEWAY_RESPONSES.unauthorized };
  const scopes = String(claims.scope ?? "").split(" ");
  if (auth.scopes.length > 0 && !auth.scopes.some((s) => scopes.includes(s))) return { refused: GATEWAY_RESPONSES.unauthorized };
  return { claims: Object.fromEntries(Object.entries(claims).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])) };
}
