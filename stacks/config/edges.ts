import { ACM_CERTIFICATE_ARN, WAF_WEB_ACL_ARN } from "./parsers";
import { SETTINGS, type Settings } from "./settings";

/**
 * The production edges' settings that only make sense together (REST authorization, custom
 * domains, their certificate, the web ACL): one problem a line, each starting with the setting it
 * names.
 */
export function edgeProblems(values: Settings, sourceOf: (name: string) => string, invalid: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const { restDomainName, wsDomainName, hostedZoneId, certificateArn, restWafAclArn, region } = SETTINGS;
  const shown = (s: { name: string }, value: unknown) => `${s.name}=${JSON.stringify(value)} (from ${sourceOf(s.name)})`;
  const ok = (s: { name: string }) => !invalid.has(s.name);
  const domains = (
    [
      [restDomainName, values.restDomainName],
      [wsDomainName, values.wsDomainName],
    ] as const
  ).filter(([, value]) => value !== undefined);

  if (values.hostedZoneId === undefined && values.certificateArn === undefined && ok(hostedZoneId) && ok(certificateArn)) {
    for (const [s, value] of domains) {
      problems.push(`${shown(s, value)}: needs ${hostedZoneId.name} (stepgate then creates and validates the certificate) or ${certificateArn.name}`);
    }
  }
  if (values.hostedZoneId !== undefined && values.certificateArn !== undefined) {
    problems.push(`${shown(hostedZoneId, values.hostedZoneId)}: set it or ${certificateArn.name}, not both`);
  }
  if (domains.length === 0 && ok(restDomainName) && ok(wsDomainName)) {
    if (values.hostedZoneId !== undefined)
      problems.push(`${shown(hostedZoneId, values.hostedZoneId)}: used only with ${restDomainName.name} or ${wsDomainName.name}`);
    if (values.certificateArn !== undefined)
      problems.push(`${shown(certificateArn, values.certificateArn)}: used only with ${restDomainName.name} or ${wsDomainName.name}`);
  }
  if (values.restDomainName !== undefined && values.restDomainName === values.wsDomainName) {
    problems.push(
      `${shown(wsDomainName, values.wsDomainName)}: must differ from ${restDomainName.name}: API Gateway cannot serve a WebSocket and a REST API on one custom domain`,
    );
  }
  const inRegion = (s: { name: string }, value: string | undefined, pattern: RegExp, what: string) => {
    const arnRegion = value?.match(pattern)?.[1];
    if (arnRegion !== undefined && ok(region) && arnRegion !== values.region) {
      problems.push(`${shown(s, value)}: ${what} must be in ${region.name} (${values.region}), not ${arnRegion}`);
    }
  };
  inRegion(certificateArn, values.certificateArn, ACM_CERTIFICATE_ARN, "a regional custom domain's certificate");
  inRegion(restWafAclArn, values.restWafAclArn, WAF_WEB_ACL_ARN, "the web ACL");
  problems.push(...authProblems(values, shown));
  return problems;
}

function authProblems(values: Settings, shown: (s: { name: string }, value: unknown) => string): string[] {
  const problems: string[] = [];
  const { restAuth, restApiKeyRequired, cognitoUserPoolArns, cognitoScopes, sendApiKeyValue } = SETTINGS;
  if (values.restAuth === "COGNITO" && values.cognitoUserPoolArns === undefined) {
    problems.push(`${shown(restAuth, values.restAuth)}: needs ${cognitoUserPoolArns.name}`);
  }
  if (values.restAuth !== "COGNITO") {
    for (const [s, value] of [
      [cognitoUserPoolArns, values.cognitoUserPoolArns],
      [cognitoScopes, values.cognitoScopes],
    ] as const) {
      if (value !== undefined) problems.push(`${shown(s, value.join(","))}: used only with ${restAuth.name}=COGNITO`);
    }
  }
  if (!values.restApiKeyRequired && values.restAuth === "API_KEY") {
    problems.push(
      `${shown(restApiKeyRequired, "false")}: with ${restAuth.name}=API_KEY the key is the only credential, so the REST API would be open to anyone`,
    );
  }
  if (!values.restApiKeyRequired && values.sendApiKeyValue) {
    problems.push(`${shown(sendApiKeyValue, "true")}: needs the API key (${restApiKeyRequired.name}=true)`);
  }
  return problems;
}
