import * as fs from "fs";
import * as path from "path";
import { expressIncompatibilities, loadDefinition } from "../../stacks/config/definition";
import { definitionFile, PROJECT_DIR } from "../support/stacks";

describe("loadDefinition", () => {
  it("returns the definition compactly serialized, with no problems", () => {
    const definition = { StartAt: "P", States: { P: { Type: "Pass", End: true } } };
    expect(loadDefinition(definitionFile(definition))).toEqual({ definition: JSON.stringify(definition), problems: [] });
  });

  it("remembers the validator's findings across runs, keyed by the definition", () => {
    const definition = { Comment: `cache ${process.pid} ${Date.now()}`, StartAt: "P", States: { P: { Type: "Pass", End: true } } };
    const cache = path.join(PROJECT_DIR, "node_modules", ".cache", "stepgate", "asl");
    const before = new Set(fs.existsSync(cache) ? fs.readdirSync(cache) : []);
    loadDefinition(definitionFile(definition));
    const added = fs.readdirSync(cache).filter((f) => !before.has(f));
    expect(added).toHaveLength(1);
    loadDefinition(definitionFile(JSON.stringify(definition)));
    expect(fs.readdirSync(cache).filter((f) => !before.has(f))).toEqual(added);
    fs.rmSync(path.join(cache, added[0]));
  });
});

describe("expressIncompatibilities", () => {
  it("looks into legacy Map iterators, and takes an ItemReader for a Distributed Map", () => {
    expect(
      expressIncompatibilities({
        StartAt: "M",
        States: {
          M: {
            Type: "Map",
            Iterator: { StartAt: "T", States: { T: { Type: "Task", Resource: "arn:aws:states:::glue:startJobRun.sync", End: true } } },
            End: true,
          },
          Read: { Type: "Map", ItemReader: { Resource: "arn:aws:states:::s3:getObject" }, ItemProcessor: { StartAt: "P", States: { P: { Type: "Pass", End: true } } }, End: true },
        },
      }),
    ).toEqual([
      expect.stringMatching(/^\$\.States\["M"\]\.Iterator\.States\["T"\]\.Resource: .*\(\.sync\)/),
      expect.stringMatching(/^\$\.States\["Read"\]: a Distributed Map/),
    ]);
  });

  it("finds nothing in the default workflow", () => {
    expect(expressIncompatibilities(JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "templates/workflow.asl.json"), "utf8")))).toEqual([]);
  });
});
