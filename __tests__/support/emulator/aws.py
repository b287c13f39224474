"""AWS calls to the emulator through boto3, for the apply and fault tests.

Kept running for one emulator (its clients kept between requests: starting Python with boto3 and
loading a service's model cost about half a second of CPU, which the tests once paid on every
call): one JSON request per line on standard input, one answer per line on standard output,
{"answer": ...} or {"error": "<AWS's error code or the exception's name>: <message>"}, until
standard input closes. The requests:
  {"endpoint": URL, "calls": [{"service", "operation", "params", "region"}]}: each call's answer, in order;
  {"endpoint": URL, "inventory": [region, ...]}: what the emulator holds of every kind of resource
  stepgate makes, one "kind id" line each, sorted;
  {"endpoint": URL, "parts": [region, ...]}: the parts of what stepgate makes that Terraform
  replaces, recreates or duplicates without a new name (the APIs' deployments, stages, routes,
  integrations; the roles' inline policies), one line each, without the ids AWS makes, sorted,
  duplicates kept.
"""

import functools
import json
import sys

import boto3


@functools.cache
def client(endpoint: str, service: str, region: str):
    return boto3.client(service, endpoint_url=endpoint, region_name=region, aws_access_key_id="test", aws_secret_access_key="test")


def inventory(endpoint: str, regions: list) -> list:
    found = []
    # IAM, Route 53 and S3's bucket list are global: their API lives in us-east-1.
    found += [f"s3:bucket {b['Name']}" for b in client(endpoint, "s3", "us-east-1").list_buckets()["Buckets"]]
    iam = client(endpoint, "iam", "us-east-1")
    found += [f"iam:role {r['RoleName']}" for r in iam.list_roles()["Roles"]]
    found += [f"iam:policy {p['Arn']}" for p in iam.list_policies(Scope="Local")["Policies"]]
    route53 = client(endpoint, "route53", "us-east-1")
    for zone in route53.list_hosted_zones()["HostedZones"]:
        found.append(f"route53:zone {zone['Id']} {zone['Name']}")
        sets = route53.list_resource_record_sets(HostedZoneId=zone["Id"])["ResourceRecordSets"]
        found += [f"route53:record {zone['Name']} {s['Name']} {s['Type']}" for s in sets]
    for region in regions:
        aws = lambda service: client(endpoint, service, region)  # noqa: E731
        found += [f"states:stateMachine {m['stateMachineArn']}" for m in aws("stepfunctions").list_state_machines()["stateMachines"]]
        found += [f"logs:log-group {region} {g['logGroupName']}" for g in aws("logs").describe_log_groups()["logGroups"]]
        kms = aws("kms")
        for key in kms.list_keys()["Keys"]:
            state = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"]
            # Destroying a key schedules its deletion: AWS keeps it 7 to 30 days, unusable.
            if state != "PendingDeletion":
                found.append(f"kms:key {key['KeyArn']} {state}")
        found += [f"kms:alias {region} {a['AliasName']}" for a in kms.list_aliases()["Aliases"] if not a["AliasName"].startswith("alias/aws/")]
        v1 = aws("apigateway")
        found += [f"apigateway:restapi {region} {a['name']}" for a in v1.get_rest_apis()["items"]]
        found += [f"apigateway:apikey {region} {k['name']}" for k in v1.get_api_keys()["items"]]
        found += [f"apigateway:usageplan {region} {p['name']}" for p in v1.get_usage_plans()["items"]]
        found += [f"apigateway:domainname {region} {d['domainName']}" for d in v1.get_domain_names()["items"]]
        v2 = aws("apigatewayv2")
        found += [f"apigatewayv2:api {region} {a['Name']}" for a in v2.get_apis()["Items"]]
        found += [f"apigatewayv2:domainname {region} {d['DomainName']}" for d in v2.get_domain_names()["Items"]]
        found += [f"acm:certificate {c['CertificateArn']} {c['DomainName']}" for c in aws("acm").list_certificates()["CertificateSummaryList"]]
        sns = aws("sns")
        found += [f"sns:topic {t['TopicArn']}" for t in sns.list_topics()["Topics"]]
        found += [f"sns:subscription {s['TopicArn']} {s['Endpoint']}" for s in sns.list_subscriptions()["Subscriptions"]]
        cloudwatch = aws("cloudwatch")
        found += [f"cloudwatch:alarm {region} {a['AlarmName']}" for a in cloudwatch.describe_alarms()["MetricAlarms"]]
        found += [f"cloudwatch:dashboard {region} {d['DashboardName']}" for d in cloudwatch.list_dashboards()["DashboardEntries"]]
        waf = aws("wafv2")
        for acl in waf.list_web_acls(Scope="REGIONAL")["WebACLs"]:
            found.append(f"wafv2:webacl {acl['ARN']}")
            found += [f"wafv2:association {acl['Name']} {r}" for r in waf.list_resources_for_web_acl(WebACLArn=acl["ARN"], ResourceType="API_GATEWAY")["ResourceArns"]]
        found += [f"cognito-idp:userpool {region} {p['Name']}" for p in aws("cognito-idp").list_user_pools(MaxResults=60)["UserPools"]]
    return sorted(found)


def parts(endpoint: str, regions: list) -> list:
    found = []
    iam = client(endpoint, "iam", "us-east-1")
    for role in iam.list_roles()["Roles"]:
        found += [f"iam:role-policy {role['RoleName']} {p}" for p in iam.list_role_policies(RoleName=role["RoleName"])["PolicyNames"]]
    for region in regions:
        v1 = client(endpoint, "apigateway", region)
        for api in v1.get_rest_apis()["items"]:
            name = api["name"]
            deployments = {d["id"] for d in v1.get_deployments(restApiId=api["id"])["items"]}
            stages = v1.get_stages(restApiId=api["id"])["item"]
            used = {s.get("deploymentId") for s in stages}
            found += [f"apigateway:stage {name} {s['stageName']} on {'a deployment' if s.get('deploymentId') in deployments else 'none'}" for s in stages]
            found += [f"apigateway:deployment {name} {'staged' if d in used else 'unstaged'}" for d in deployments]
            for resource in v1.get_resources(restApiId=api["id"])["items"]:
                for method in resource.get("resourceMethods", {}):
                    found.append(f"apigateway:method {name} {method} {resource['path']}")
        v2 = client(endpoint, "apigatewayv2", region)
        for api in v2.get_apis()["Items"]:
            name = api["Name"]
            integrations = {i["IntegrationId"]: i for i in v2.get_integrations(ApiId=api["ApiId"])["Items"]}
            found += [f"apigatewayv2:integration {name} {i['IntegrationType']} {i.get('IntegrationUri', '')}" for i in integrations.values()]
            for route in v2.get_routes(ApiId=api["ApiId"])["Items"]:
                target = route.get("Target", "").removeprefix("integrations/")
                # Not its route responses: moto has no GetRouteResponses.
                found.append(f"apigatewayv2:route {name} {route['RouteKey']} to {'an integration' if target in integrations else 'none'}")
            deployments = {d["DeploymentId"] for d in v2.get_deployments(ApiId=api["ApiId"])["Items"]}
            stages = v2.get_stages(ApiId=api["ApiId"])["Items"]
            used = {s.get("DeploymentId") for s in stages}
            found += [f"apigatewayv2:stage {name} {s['StageName']} on {'a deployment' if s.get('DeploymentId') in deployments else 'none'}" for s in stages]
            found += [f"apigatewayv2:deployment {name} {'staged' if d in used else 'unstaged'}" for d in deployments]
    return sorted(found)


def answer(request: dict):
    endpoint = request["endpoint"]
    if "inventory" in request:
        return inventory(endpoint, request["inventory"])
    if "parts" in request:
        return parts(endpoint, request["parts"])
    answers = []
    for call in request["calls"]:
        method = getattr(client(endpoint, call["service"], call.get("region", "us-east-1")), call["operation"])
        result = method(**call.get("params", {}))
        result.pop("ResponseMetadata", None)
        answers.append(result)
    return answers


def main() -> None:
    for line in sys.stdin:
        try:
            reply = {"answer": answer(json.loads(line))}
        except Exception as e:  # noqa: BLE001 - every failure goes back to the caller, named
            code = getattr(e, "response", {}).get("Error", {}).get("Code") or type(e).__name__
            reply = {"error": f"{code}: {e}"}
        sys.stdout.write(json.dumps(reply, default=str) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
