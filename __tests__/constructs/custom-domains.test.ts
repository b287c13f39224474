import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { ApiGatewayBasePathMapping } from "@cdktf/provider-aws/lib/api-gateway-base-path-mapping";
import { ApiGatewayDomainName } from "@cdktf/provider-aws/lib/api-gateway-domain-name";
import { Apigatewayv2ApiMapping } from "@cdktf/provider-aws/lib/apigatewayv2-api-mapping";
import { Apigatewayv2DomainName } from "@cdktf/provider-aws/lib/apigatewayv2-domain-name";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { CustomDomains, type CustomDomainsProps } from "../../stacks/constructs/custom-domains";
import { address, resources, synthScope } from "../support/stacks";

const REST = { domainName: "api.example.com", apiId: "rest-id", stageName: "api" };
const WEBSOCKET = { domainName: "ws.example.com", apiId: "ws-id", stageName: "live" };
const ZONE = "Z0123456789ABC";
const CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000";
const synth = (props: CustomDomainsProps) => synthScope((scope) => new CustomDomains(scope, "custom_domains", props));

describe("CustomDomains", () => {
  describe("with a hosted zone", () => {
    const synthesized = synth({ rest: REST, websocket: WEBSOCKET, hostedZoneId: ZONE });
    const validated = `\${${address(synthesized, "aws_acm_certificate_validation")}.certificate_arn}`;
    const restDomain = address(synthesized, "aws_api_gateway_domain_name");
    const wsDomain = address(synthesized, "aws_apigatewayv2_domain_name");

    it("creates one certificate for both names, validated by DNS records in the zone", () => {
      expect(synthesized).toHaveResourceWithProperties(AcmCertificate, {
        domain_name: "api.example.com",
        subject_alternative_names: ["ws.example.com"],
        validation_method: "DNS",
        lifecycle: { create_before_destroy: true },
      });
      const certificate = address(synthesized, "aws_acm_certificate");
      // Keyed by the names synth knows, so Terraform can plan them before the certificate exists.
      const option = (field: string) => `\${one([for o in ${certificate}.domain_validation_options : o.${field} if o.domain_name == each.key])}`;
      expect(synthesized).toHaveResourceWithProperties(Route53Record, {
        for_each: '${toset(["api.example.com", "ws.example.com"])}',
        zone_id: ZONE,
        name: option("resource_record_name"),
        type: option("resource_record_type"),
        records: [option("resource_record_value")],
        allow_overwrite: true,
      });
      const records = address(synthesized, "aws_route53_record", (r) => r.for_each !== undefined);
      expect(synthesized).toHaveResourceWithProperties(AcmCertificateValidation, { certificate_arn: `\${${certificate}.arn}`, depends_on: [records] });
    });

    it("serves the REST API at the root of its name: regional, TLS 1.2, the validated certificate", () => {
      expect(synthesized).toHaveResourceWithProperties(ApiGatewayDomainName, {
        domain_name: "api.example.com",
        regional_certificate_arn: validated,
        endpoint_configuration: { types: ["REGIONAL"] },
        security_policy: "TLS_1_2",
      });
      const mapping = resources(synthesized, "aws_api_gateway_base_path_mapping")[0].props;
      expect(mapping).toMatchObject({ api_id: "rest-id", stage_name: "api", domain_name: `\${${restDomain}.domain_name}` });
      expect(mapping.base_path).toBeUndefined();
      expect(synthesized).toHaveResourceWithProperties(ApiGatewayBasePathMapping, { api_id: "rest-id" });
    });

    it("serves the WebSocket API at the root of its own name: regional, TLS 1.2", () => {
      expect(synthesized).toHaveResourceWithProperties(Apigatewayv2DomainName, {
        domain_name: "ws.example.com",
        domain_name_configuration: { certificate_arn: validated, endpoint_type: "REGIONAL", security_policy: "TLS_1_2" },
      });
      const mapping = resources(synthesized, "aws_apigatewayv2_api_mapping")[0].props;
      expect(mapping).toEqual(expect.objectContaining({ api_id: "ws-id", stage: "live", domain_name: `\${${wsDomain}.id}` }));
      expect(mapping.api_mapping_key).toBeUndefined();
      expect(synthesized).toHaveResourceWithProperties(Apigatewayv2ApiMapping, { stage: "live" });
    });

    it("points each name at its API with an alias record", () => {
      expect(synthesized).toHaveResourceWithProperties(Route53Record, {
        zone_id: ZONE,
        name: "api.example.com",
        type: "A",
        alias: { name: `\${${restDomain}.regional_domain_name}`, zone_id: `\${${restDomain}.regional_zone_id}`, evaluate_target_health: false },
      });
      expect(synthesized).toHaveResourceWithProperties(Route53Record, {
        zone_id: ZONE,
        name: "ws.example.com",
        type: "A",
        alias: {
          name: `\${${wsDomain}.domain_name_configuration[0].target_domain_name}`,
          zone_id: `\${${wsDomain}.domain_name_configuration[0].hosted_zone_id}`,
          evaluate_target_health: false,
        },
      });
      expect(resources(synthesized, "aws_route53_record")).toHaveLength(3);
    });
  });

  describe("with a certificate ARN", () => {
    const synthesized = synth({ rest: REST, certificateArn: CERTIFICATE });

    it("uses it, and creates neither certificate nor DNS record", () => {
      expect(synthesized).toHaveResourceWithProperties(ApiGatewayDomainName, { domain_name: "api.example.com", regional_certificate_arn: CERTIFICATE });
      for (const type of ["aws_acm_certificate", "aws_acm_certificate_validation", "aws_route53_record"]) expect(resources(synthesized, type)).toEqual([]);
    });

    it("creates only the domains asked for", () => {
      expect(resources(synthesized, "aws_apigatewayv2_domain_name")).toEqual([]);
      const wsOnly = synth({ websocket: WEBSOCKET, certificateArn: CERTIFICATE });
      expect(resources(wsOnly, "aws_api_gateway_domain_name")).toEqual([]);
      expect(wsOnly).toHaveResourceWithProperties(Apigatewayv2DomainName, {
        domain_name_configuration: expect.objectContaining({ certificate_arn: CERTIFICATE }),
      });
    });
  });

  it("refuses no name, and both or neither of zone and certificate", () => {
    expect(() => synth({ hostedZoneId: ZONE })).toThrow("no domain name");
    expect(() => synth({ rest: REST })).toThrow("hostedZoneId or certificateArn");
    expect(() => synth({ rest: REST, hostedZoneId: ZONE, certificateArn: CERTIFICATE })).toThrow("hostedZoneId or certificateArn");
  });
});
