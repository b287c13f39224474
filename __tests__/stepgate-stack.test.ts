import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Testing } from "cdktf";
import { StepgateStack } from "../stacks/stepgate-stack";
import { configWith, parse, testApp } from "./support/stacks";

describe("StepgateStack", () => {
  const synth = (env: Record<string, string> = {}) => Testing.synth(new StepgateStack(testApp(), "workflow", { config: configWith(env) }));

  it("configures the AWS provider with the region and default tags", () => {
    expect(synth({ STEPGATE_REGION: "eu-central-1", STEPGATE_TAGS: "team=payments,env=dev" })).toHaveProviderWithProperties(AwsProvider, {
      region: "eu-central-1",
      default_tags: [{ tags: { "stepgate:prefix": "stepgate", team: "payments", env: "dev" } }],
    });
  });

  it("pins the Terraform and AWS provider versions", () => {
    expect(parse(synth()).terraform).toMatchObject({
      required_version: ">= 1.5.0, < 2.0.0",
      required_providers: { aws: { source: "aws", version: "~> 6.25" } },
    });
  });

  it("declares a local backend by a path relative to the stack's working directory", () => {
    expect(parse(synth()).terraform.backend).toEqual({ local: { path: "../../../terraform.workflow.tfstate" } });
  });
});
