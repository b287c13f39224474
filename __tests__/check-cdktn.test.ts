import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { trackedFiles } from "../.ci/check-cdktn";
import { PROJECT_DIR } from "./support/stacks";
import { temporaryFolder } from "./support/temporary-folders";

/** `npm run check:cdktn`'s file list and cache, without the check itself (it installs about a gigabyte). */
describe("npm run check:cdktn: what it copies", () => {
  const git = (dir: string, ...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });
  const write = (dir: string, file: string, text = "x") => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };

  it("copies the files git tracks, as the working tree holds them: not an untracked file of the user's, nor a tracked one deleted", () => {
    const dir = temporaryFolder("tracked");
    git(dir, "init", "-q");
    for (const file of ["main.ts", "stacks/a.ts", ".github/workflows/ci.yml", "gone.ts", "with space.md"]) write(dir, file);
    git(dir, "add", ".");
    write(dir, "scratch.ts"); // the user's, never added
    write(dir, "cdktf.out/stacks/api/cdk.tf.json");
    write(dir, "main.ts", "changed, not staged");
    fs.rmSync(path.join(dir, "gone.ts"));
    expect(trackedFiles(dir).sort()).toEqual([".github/workflows/ci.yml", "main.ts", "stacks/a.ts", "with space.md"]);
  });

  it("names this project's own files, and says why when the folder is not a git work tree", () => {
    expect(trackedFiles(PROJECT_DIR)).toEqual(expect.arrayContaining(["package.json", "package-lock.json", "main.ts", ".ci/check-cdktn.ts"]));
    expect(trackedFiles(PROJECT_DIR).filter((f) => f.startsWith("node_modules/") || f.startsWith(".git/"))).toEqual([]);
    const notGit = temporaryFolder("untracked");
    expect(() => trackedFiles(notGit)).toThrow(`git ls-files failed in ${notGit} (the check copies the files git tracks)`);
  });
});

describe("npm run check:cdktn: its cache", () => {
  /** The check's CLI with its temporary directory here, so that its cache is a stand-in. */
  const checkCdktn = (tmp: string, ...args: string[]) =>
    spawnSync(process.execPath, ["-r", "sucrase/register/ts", ".ci/check-cdktn.ts", ...args], {
      cwd: PROJECT_DIR,
      env: { ...process.env, TMPDIR: tmp },
      encoding: "utf8",
    });

  it("names its cache in its usage, and removes it with --clean-cache, saying where and how large it was", () => {
    const tmp = temporaryFolder("cdktn-tmp");
    const help = checkCdktn(tmp, "--help");
    expect(help.status).toBe(0);
    const cache = help.stdout.match(/^ +(\/\S+\/stepgate-cdktn-[0-9a-f]{8})$/m)?.[1] ?? "";
    expect(path.dirname(cache)).toBe(tmp);
    expect(help.stdout).toContain("--clean-cache         removes that cache, and does nothing else");

    fs.mkdirSync(path.join(cache, "project", "node_modules"), { recursive: true });
    fs.writeFileSync(path.join(cache, "project", "node_modules", "big"), Buffer.alloc(64 * 1024));
    const clean = checkCdktn(tmp, "--clean-cache");
    expect([clean.status, clean.stdout]).toEqual([0, expect.stringMatching(new RegExp(`^removed the cache ${cache} \\(\\d+K\\)\\n$`))]);
    expect(fs.existsSync(cache)).toBe(false);
    expect(checkCdktn(tmp, "--clean-cache").stdout).toBe(`no cache at ${cache}\n`);
  });

  it("refuses a flag it does not know with its usage, and runs nothing", () => {
    const tmp = temporaryFolder("cdktn-tmp");
    const r = checkCdktn(tmp, "--clean");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^usage: npm run check:cdktn \[-- --switch-only DIR \| --clean-cache \| --help\]/);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});
