// cdktf's matchers (toHaveResourceWithProperties, toHaveDataSourceWithProperties, ...) and their types.
import { setupJest } from "cdktf/lib/testing/adapters/jest";
import { removeTemporaryFolders } from "./temporary-folders";

setupJest();

// Runs before the test file's own top-level afterAll hooks (they close servers; none reads a temporary folder).
afterAll(removeTemporaryFolders);
