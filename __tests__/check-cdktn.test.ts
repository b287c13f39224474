import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { copyProject, gitEnv, trackedFiles } from "../.ci/check-cdktn";
import { PROJECT_DIR } from "./support/stacks";
import { temporaryFolder } from "./support/temporary-folders";

/** `npm run check:cdktn`'s file list and cache, without the check itself (it installs about a gigabyte). */
describe("npm run check:cdktn: what it copies", () => {
  const git = (dir: string, ...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });
  const listed = (dir: string) => execFileSync("git", ["ls-files", "--cached"], { cwd: dir, encoding: "utf8" }).split("\n").filter(Boolean).sort();
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

  it("makes its copy a git work tree that tracks exactly the copied files, on a first run and on a rerun that keeps node_modules", () => {
    const project = temporaryFolder("project");
    git(project, "init", "-q");
    for (const file of ["main.ts", "stacks/a.ts", "gone.ts", ".gitignore"]) write(project, file, file === ".gitignore" ? "node_modules\n" : "x");
    git(project, "add", ".");
    write(project, "scratch.ts");
    const copy = path.join(temporaryFolder("copy"), "project");

    copyProject(project, copy);
    expect(listed(copy)).toEqual([".gitignore", "gone.ts", "main.ts", "stacks/a.ts"]);

    // The next run: the install's cache stays, a file is gone from the project, another is new.
    write(copy, "node_modules/cdktn/package.json", "{}");
    fs.rmSync(path.join(project, "gone.ts"));
    write(project, "stacks/b.ts");
    git(project, "add", "-A", "gone.ts", "stacks/b.ts");
    copyProject(project, copy);
    // git's own list, not trackedFiles (which also drops files gone from the working tree)
    expect(listed(copy)).toEqual([".gitignore", "main.ts", "stacks/a.ts", "stacks/b.ts"]);
    expect(fs.existsSync(path.join(copy, "gone.ts"))).toBe(false);
    expect(fs.existsSync(path.join(copy, "node_modules/cdktn/package.json"))).toBe(true);
  });

  it("keeps node_modules out of its copy's index through the project's own .gitignore", () => {
    const ignored = spawnSync("git", ["check-ignore", "-q", "node_modules/cdktn/package.json"], { cwd: PROJECT_DIR });
    expect(ignored.status).toBe(0);
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

describe("npm run check:cdktn: its git commands", () => {
  it("act on the folder they run in, whatever repository the caller's environment names (a git hook sets GIT_DIR)", () => {
    const env = { PATH: "/bin", GIT_DIR: "/elsewhere/.git", GIT_WORK_TREE: "/elsewhere", GIT_INDEX_FILE: "/elsewhere/.git/index", GIT_AUTHOR_NAME: "kept" };
    expect(gitEnv(env)).toEqual({ PATH: "/bin", GIT_AUTHOR_NAME: "kept" });
    const dir = temporaryFolder("tracked");
    execFileSync("git", ["init", "-q"], { cwd: dir, stdio: "ignore" });
    fs.writeFileSync(path.join(dir, "main.ts"), "x");
    execFileSync("git", ["add", "."], { cwd: dir, stdio: "ignore" });
    const saved = process.env.GIT_DIR;
    process.env.GIT_DIR = path.join(temporaryFolder("other"), ".git");
    try {
      expect(trackedFiles(dir)).toEqual(["main.ts"]);
    } finally {
      if (saved === undefined) delete process.env.GIT_DIR;
      else process.env.GIT_DIR = saved;
    }
  });
});
