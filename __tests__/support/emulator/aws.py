"""AWS calls to the emulator through boto3, for the apply tests.

Reads one JSON request on standard input and writes its answer as JSON:
  {"endpoint": URL, "calls": [{"service", "operation", "params", "region"}]}: each call's answer, in order;
  {"endpoint": URL, "inventory": [region, ...]}: what the emulator holds of every kind of resource
  stepgate makes, one "kind id" line each, sorted.
"""

import json
import sys

import boto3


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


def main() -> None:
    request = json.load(sys.stdin)
    endpoint = request["endpoint"]
    if "inventory" in request:
        answer = inventory(endpoint, request["inventory"])
    else:
        answer = []
        for call in request["calls"]:
            method = getattr(client(endpoint, call["service"], call.get("region", "us-east-1")), call["operation"])
            result = method(**call.get("params", {}))
            result.pop("ResponseMetadata", None)
            answer.append(result)
    json.dump(answer, sys.stdout, default=str)


if __name__ == "__main__":
    main()
