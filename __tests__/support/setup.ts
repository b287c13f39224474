import { Testing } from "cdktf";

// cdktf's matchers: toHaveResourceWithProperties, toHaveDataSourceWithProperties, ...
Testing.setupJest();
