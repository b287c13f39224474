// cdktf's matchers (toHaveResourceWithProperties, toHaveDataSourceWithProperties, ...) and their types.
import { setupJest } from "cdktf/lib/testing/adapters/jest";

setupJest();
