import { STACK_IDS, type StackId } from "../stack-ids";
import { SETTINGS, type Settings } from "./settings";

/** Where the stacks keep their Terraform state, as the backend settings say. */
export type StateConfig =
  | { readonly backend: "local" }
  | {
      readonly backend: "s3";
      readonly bucket: string;
      readonly region: string;
      /** Each stack's state is `<keyPrefix>/<stack id>.tfstate`. */
      readonly keyPrefix: string;
    }
  | {
      readonly backend: "cloud";
      readonly organization: string;
      readonly hostname: string;
      readonly project?: string;
      readonly workspaces: Readonly<Record<StackId, string>>;
    };

export interface BackendChecks {
  /** Settings whose value was refused already: no second problem for them. */
  readonly invalid: ReadonlySet<string>;
  /** Whether a command is on PATH. */
  readonly onPath: (command: string) => boolean;
}

/** The state configuration of the settings, and what is missing for their backend. */
export function stateConfig(s: Settings, checks: BackendChecks): { state: StateConfig; problems: string[] } {
  const problems: string[] = [];
  const required = <K extends keyof Settings>(key: K): NonNullable<Settings[K]> => {
    const { name, description } = SETTINGS[key];
    if (s[key] === undefined && !checks.invalid.has(name)) problems.push(`${name}: required when STEPGATE_BACKEND=${s.backend} (${description})`);
    return (s[key] ?? "") as NonNullable<Settings[K]>;
  };
  switch (s.backend) {
    case "local":
      return { state: { backend: "local" }, problems };
    case "s3":
      return {
        state: { backend: "s3", bucket: required("s3Bucket"), region: s.s3Region ?? s.region, keyPrefix: s.s3KeyPrefix ?? s.prefix },
        problems,
      };
    case "cloud": {
      const organization = required("tfcOrganization");
      if (!checks.onPath("terraform")) {
        problems.push(
          "STEPGATE_BACKEND=cloud: cdktf checks Terraform's version when it synthesizes a cloud backend, and no terraform is on PATH; install Terraform >= 1.5, or synthesize with STEPGATE_BACKEND=local",
        );
      }
      return {
        state: {
          backend: "cloud",
          organization,
          hostname: s.tfcHostname,
          project: s.tfcProject,
          workspaces: {
            workflow: s.tfcWorkspaceWorkflow ?? `${s.prefix}-${STACK_IDS.workflow}`,
            api: s.tfcWorkspaceApi ?? `${s.prefix}-${STACK_IDS.api}`,
            "apigw-account": `${s.prefix}-${STACK_IDS.apiGatewayAccount}`,
          },
        },
        problems,
      };
    }
  }
}
