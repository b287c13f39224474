import { describeApplied } from "../support/apply";

describeApplied("the defaults", { env: {} });
