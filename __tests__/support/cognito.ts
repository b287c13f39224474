/** The user pool of the sign-in tests; `cognitoToken` makes its tokens. */
export const COGNITO_POOL = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC123";

/** A token of `COGNITO_POOL` as its shape goes (the local gateway does not check signatures): an ID token, valid for an hour unless `claims` say otherwise. */
export function cognitoToken(claims: Record<string, unknown> = {}): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const payload = {
    sub: "8f0c-user",
    iss: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123",
    token_use: "id",
    exp: Math.floor(Date.now() / 1000) + 3600,
    ...claims,
  };
  return `${b64({ alg: "RS256", kid: "k" })}.${b64(payload)}.c2lnbmF0dXJl`;
}
