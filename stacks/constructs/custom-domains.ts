import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { ApiGatewayBasePathMapping } from "@cdktf/provider-aws/lib/api-gateway-base-path-mapping";
import { ApiGatewayDomainName } from "@cdktf/provider-aws/lib/api-gateway-domain-name";
import { Apigatewayv2ApiMapping } from "@cdktf/provider-aws/lib/apigatewayv2-api-mapping";
import { Apigatewayv2DomainName } from "@cdktf/provider-aws/lib/apigatewayv2-domain-name";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { TerraformIterator } from "cdktf";
import { Construct } from "constructs";

/** The TLS policy of both custom domains: TLS 1.2 and newer only. */
export const SECURITY_POLICY = "TLS_1_2";

/** A custom domain for one API: the name, and the API's stage mapped at its root. */
export interface CustomDomainApi {
  readonly domainName: string;
  readonly apiId: string;
  readonly stageName: string;
}

export interface CustomDomainsProps {
  /**
   * The REST API's name (a REST and a WebSocket API cannot share a custom domain).
   * @default no REST custom domain
   */
  readonly rest?: CustomDomainApi;
  /**
   * The WebSocket API's name.
   * @default no WebSocket custom domain
   */
  readonly websocket?: CustomDomainApi;
  /**
   * A Route 53 public zone: one ACM certificate for the names, validated by DNS records in it, and
   * an alias record per name. Give it or `certificateArn`.
   * @default none: `certificateArn` is required, and the DNS records are yours to create
   */
  readonly hostedZoneId?: string;
  /**
   * An ACM certificate in the stack's region covering the names. Give it or `hostedZoneId`.
   * @default none: the certificate created in `hostedZoneId`
   */
  readonly certificateArn?: string;
}

/**
 * Regional custom domains (TLS 1.2) for the REST and the WebSocket API, each API's stage mapped at
 * the root of its name; with a hosted zone, the certificate and every DNS record too.
 */
export class CustomDomains extends Construct {
  /** Where each name must point (a CNAME, or a Route 53 alias with `restZoneId`). */
  readonly restTarget?: string;
  readonly websocketTarget?: string;
  readonly restDomain?: ApiGatewayDomainName;
  readonly websocketDomain?: Apigatewayv2DomainName;

  constructor(scope: Construct, id: string, props: CustomDomainsProps) {
    super(scope, id);
    const names = [props.rest?.domainName, props.websocket?.domainName].filter((n): n is string => n !== undefined);
    if (names.length === 0) throw new Error("CustomDomains: no domain name");
    if ((props.hostedZoneId === undefined) === (props.certificateArn === undefined)) throw new Error("CustomDomains: give hostedZoneId or certificateArn");
    const certificateArn = props.certificateArn ?? this.validatedCertificate(names, props.hostedZoneId as string);

    if (props.rest) {
      const domain = new ApiGatewayDomainName(this, "rest_domain", {
        domainName: props.rest.domainName,
        regionalCertificateArn: certificateArn,
        endpointConfiguration: { types: ["REGIONAL"] },
        securityPolicy: SECURITY_POLICY,
      });
      new ApiGatewayBasePathMapping(this, "rest_mapping", {
        apiId: props.rest.apiId,
        stageName: props.rest.stageName,
        domainName: domain.domainName,
      });
      this.restDomain = domain;
      this.restTarget = domain.regionalDomainName;
      if (props.hostedZoneId) this.alias("rest_alias", props.hostedZoneId, props.rest.domainName, domain.regionalDomainName, domain.regionalZoneId);
    }
    if (props.websocket) {
      const domain = new Apigatewayv2DomainName(this, "websocket_domain", {
        domainName: props.websocket.domainName,
        domainNameConfiguration: { certificateArn, endpointType: "REGIONAL", securityPolicy: SECURITY_POLICY },
      });
      new Apigatewayv2ApiMapping(this, "websocket_mapping", {
        apiId: props.websocket.apiId,
        stage: props.websocket.stageName,
        domainName: domain.id,
      });
      this.websocketDomain = domain;
      this.websocketTarget = domain.domainNameConfiguration.targetDomainName;
      if (props.hostedZoneId) {
        const target = domain.domainNameConfiguration;
        this.alias("websocket_alias", props.hostedZoneId, props.websocket.domainName, target.targetDomainName, target.hostedZoneId);
      }
    }
  }

  /** One certificate for every name, validated by DNS in the zone; its ARN once ACM has issued it. */
  private validatedCertificate(names: string[], zoneId: string): string {
    const certificate = new AcmCertificate(this, "certificate", {
      domainName: names[0],
      subjectAlternativeNames: names.length > 1 ? names.slice(1) : undefined,
      validationMethod: "DNS",
      lifecycle: { createBeforeDestroy: true },
    });
    // Keyed by the names, which synth knows: the validation options' own keys are unknown until the
    // certificate exists, and Terraform plans for_each only over known keys.
    const byName = TerraformIterator.fromList(names);
    const option = (field: string) => `\${one([for o in ${certificate.fqn}.domain_validation_options : o.${field} if o.domain_name == each.key])}`;
    const records = new Route53Record(this, "certificate_validation_record", {
      forEach: byName,
      zoneId,
      name: option("resource_record_name"),
      type: option("resource_record_type"),
      records: [option("resource_record_value")],
      ttl: 300,
      allowOverwrite: true,
    });
    return new AcmCertificateValidation(this, "certificate_validation", { certificateArn: certificate.arn, dependsOn: [records] }).certificateArn;
  }

  private alias(id: string, zoneId: string, name: string, targetName: string, targetZoneId: string): void {
    new Route53Record(this, id, { zoneId, name, type: "A", alias: { name: targetName, zoneId: targetZoneId, evaluateTargetHealth: false } });
  }
}
