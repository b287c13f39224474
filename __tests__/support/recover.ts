import * as fs from "node:fs";
import * as path from "node:path";
import type { Applied } from "./apply";
import type { TerraformStackDir } from "./terraform";

/**
 * The recovery docs/when-a-deploy-goes-wrong.md gives for resources that exist in AWS but not in
 * a stack's state (an apply killed, or interrupted while AWS was answering a create), done as its
 * last paragraph says: an import block for each resource the plan would create but that exists,
 * found as the docs find it with the AWS CLI, until no more is found (an API imported gives its
 * parts' plans the API's id); then one apply imports them all and makes the rest. `only` limits
 * the search to some addresses (those an interrupted apply named). Answers what was imported.
 */
export async function importWhatExists(
  applied: Applied,
  stack: TerraformStackDir,
  only: (address: string) => boolean = () => true,
): Promise<Array<{ address: string; type: string; id: string }>> {
  const imports = path.join(stack.dir, "imports.tf.json");
  const found = new Map<string, { type: string; id: string }>();
  try {
    for (let more = true; more; ) {
      fs.writeFileSync(imports, JSON.stringify(found.size ? { import: [...found].map(([to, { id }]) => ({ to, id })) } : {}));
      const planned = (await stack.planChanges(true)).json?.resource_changes ?? [];
      more = false;
      for (const c of planned.filter((c) => c.mode === "managed" && c.change.actions.join() === "create" && !found.has(c.address) && only(c.address))) {
        const id = await existingId(applied.aws, applied.regions[0], c.type, c.change.after as Record<string, string>);
        if (id !== undefined) found.set(c.address, { type: c.type, id });
        more ||= id !== undefined;
      }
    }
    await stack.apply();
  } finally {
    fs.rmSync(imports, { force: true });
  }
  return [...found].map(([address, f]) => ({ address, ...f }));
}

/**
 * The import id of a resource a plan would create, if it exists already (found by the name or
 * the parent it is planned with), as docs/when-a-deploy-goes-wrong.md finds it with the AWS CLI.
 */
async function existingId(aws: Applied["aws"], region: string, type: string, after: Record<string, string>): Promise<string | undefined> {
  const call = (service: string, operation: string, params: Record<string, unknown> = {}) => aws.call(service, operation, params, region);
  const lookup = async (): Promise<string | undefined> => {
    switch (type) {
      case "aws_api_gateway_rest_api":
        return (await call("apigateway", "get_rest_apis")).items.find((a: { name: string }) => a.name === after.name)?.id;
      case "aws_api_gateway_api_key":
        return (await call("apigateway", "get_api_keys")).items.find((k: { name: string }) => k.name === after.name)?.id;
      case "aws_apigatewayv2_api":
        return (await call("apigatewayv2", "get_apis")).Items.find((a: { Name: string }) => a.Name === after.name)?.ApiId;
      case "aws_iam_role":
        return (await call("iam", "get_role", { RoleName: after.name })).Role.RoleName;
      case "aws_iam_role_policy":
        return after.role && (await call("iam", "get_role_policy", { RoleName: after.role, PolicyName: after.name })) && `${after.role}:${after.name}`;
      case "aws_cloudwatch_log_group":
        return (await call("logs", "describe_log_groups", { logGroupNamePrefix: after.name })).logGroups.find(
          (g: { logGroupName: string }) => g.logGroupName === after.name,
        )?.logGroupName;
      case "aws_api_gateway_method":
        return (
          after.rest_api_id &&
          (await call("apigateway", "get_method", { restApiId: after.rest_api_id, resourceId: after.resource_id, httpMethod: after.http_method })) &&
          `${after.rest_api_id}/${after.resource_id}/${after.http_method}`
        );
      case "aws_api_gateway_model":
        return (
          after.rest_api_id &&
          (await call("apigateway", "get_model", { restApiId: after.rest_api_id, modelName: after.name })) &&
          `${after.rest_api_id}/${after.name}`
        );
      case "aws_api_gateway_request_validator": {
        if (!after.rest_api_id) return undefined;
        const found = (await call("apigateway", "get_request_validators", { restApiId: after.rest_api_id })).items.find(
          (v: { name: string }) => v.name === after.name,
        );
        return found && `${after.rest_api_id}/${found.id}`;
      }
      case "aws_apigatewayv2_integration": {
        if (!after.api_id) return undefined;
        const found = (await call("apigatewayv2", "get_integrations", { ApiId: after.api_id })).Items.find(
          (i: { IntegrationUri?: string; IntegrationType: string }) =>
            i.IntegrationUri === after.integration_uri && i.IntegrationType === after.integration_type,
        );
        return found && `${after.api_id}/${found.IntegrationId}`;
      }
      case "aws_apigatewayv2_route": {
        if (!after.api_id) return undefined;
        const found = (await call("apigatewayv2", "get_routes", { ApiId: after.api_id })).Items.find(
          (r: { RouteKey: string }) => r.RouteKey === after.route_key,
        );
        return found && `${after.api_id}/${found.RouteId}`;
      }
      case "aws_apigatewayv2_domain_name":
        return (await call("apigatewayv2", "get_domain_name", { DomainName: after.domain_name })).DomainName;
      case "aws_apigatewayv2_api_mapping": {
        if (!after.api_id) return undefined;
        const found = (await call("apigatewayv2", "get_api_mappings", { DomainName: after.domain_name })).Items.find(
          (m: { ApiId: string; Stage: string }) => m.ApiId === after.api_id && m.Stage === after.stage,
        );
        return found && `${found.ApiMappingId}/${after.domain_name}`;
      }
      case "aws_kms_key": {
        // A key has no name: the one with the planned description that no alias names (the alias
        // is made after its key, so a key whose create was cut short has none).
        for (const { KeyId } of (await call("kms", "list_keys")).Keys) {
          const { KeyMetadata } = await call("kms", "describe_key", { KeyId });
          if (KeyMetadata.Description !== after.description || KeyMetadata.KeyState !== "Enabled") continue;
          if ((await call("kms", "list_aliases", { KeyId })).Aliases.length === 0) return KeyId;
        }
        return undefined;
      }
      case "aws_api_gateway_usage_plan":
        return (await call("apigateway", "get_usage_plans")).items.find((p: { name: string }) => p.name === after.name)?.id;
      case "aws_api_gateway_stage":
        return (
          after.rest_api_id &&
          (await call("apigateway", "get_stage", { restApiId: after.rest_api_id, stageName: after.stage_name })) &&
          `${after.rest_api_id}/${after.stage_name}`
        );
      case "aws_apigatewayv2_stage":
        return after.api_id && (await call("apigatewayv2", "get_stage", { ApiId: after.api_id, StageName: after.name })) && `${after.api_id}/${after.name}`;
      default:
        return undefined;
    }
  };
  // Not found, as the AWS CLI says it (NotFoundException, NoSuchEntity, ResourceNotFoundException).
  return lookup().catch((e: Error) => (/NotFound|NoSuchEntity/.test(e.message) ? undefined : Promise.reject(e)));
}
