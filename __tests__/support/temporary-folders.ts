import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * Temporary folders of the tests: each made here is removed once its test file has run
 * (setup.ts registers the removal for every file), so a test run leaves none behind.
 */
const made: string[] = [];

/** A new folder `stepgate-<purpose>-XXXXXX` in the system's temporary directory. */
export function temporaryFolder(purpose: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `stepgate-${purpose}-`));
  made.push(dir);
  return dir;
}

/** Removes every folder `temporaryFolder` made in this test file. */
export function removeTemporaryFolders(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
