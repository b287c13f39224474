import { describeApplied } from "../support/apply";

describeApplied("the defaults", { env: {} }, (applied) => {
  it("runs the workflow as an EXPRESS state machine, as Step Functions describes it", async () => {
    const { aws, outputs } = applied();
    const { state_machine_arn } = await outputs("workflow");
    expect(await aws.call("stepfunctions", "describe_state_machine", { stateMachineArn: state_machine_arn })).toMatchObject({
      name: "stepgate-workflow",
      type: "EXPRESS",
    });
  });
});
