/** Ids of the stacks, as `cdktf deploy <id>`, the state keys and the workspaces name them. */
export const STACK_IDS = { workflow: "workflow", api: "api", apiGatewayAccount: "apigw-account" } as const;
export type StackId = (typeof STACK_IDS)[keyof typeof STACK_IDS];
