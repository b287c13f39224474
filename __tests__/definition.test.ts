import * as fs from "fs";
import * as path from "path";
import { expressIncompatibilities, loadDefinition } from "../stacks/definition";
import { definitionFile, PROJECT_DIR } from "./support/stacks";

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

describe("loadDefinition: fields a state does not accept", () => {
  const PASS_ACCEPTS = "a JSONPath Pass state accepts Type, QueryLanguage, Comment, InputPath, Parameters, Result, ResultPath, OutputPath, Assign, Next, End";

  it("names the field and what the state accepts, instead of asl-validator's oneOf", () => {
    const definition = { StartAt: "A", States: { A: { Type: "Pass", Next: "B" }, B: { Type: "Pass", Resultz: { a: 1 }, End: true } } };
    expect(loadDefinition(definitionFile(definition))).toEqual({
      problems: [` at $.States["B"]: unknown field "Resultz" (did you mean "Result"?) in a JSONPath Pass state; ${PASS_ACCEPTS}`],
    });
  });

  it("looks into Parallel branches and Map processors (ItemProcessor and Iterator), in the state machine's query language", () => {
    const bad = { Type: "Pass", Resultz: 1, End: true };
    const definition = {
      QueryLanguage: "JSONata",
      StartAt: "P",
      States: {
        P: { Type: "Parallel", Branches: [{ StartAt: "X", States: { X: { Type: "Pass", End: true } } }, { StartAt: "Y", States: { Y: bad } }], Next: "M" },
        M: { Type: "Map", ItemProcessor: { StartAt: "Z", States: { Z: { Type: "Pass", InputPath: "$.a", End: true } } }, Next: "L" },
        L: { Type: "Map", Iterator: { StartAt: "W", States: { W: bad } }, End: true },
      },
    };
    expect(loadDefinition(definitionFile(definition)).problems).toEqual([
      expect.stringMatching(/^ at \$\.States\["P"\]\.Branches\[1\]\.States\["Y"\]: unknown field "Resultz" .* in a JSONata Pass state; a JSONata Pass state accepts /),
      expect.stringMatching(/^ at \$\.States\["M"\]\.ItemProcessor\.States\["Z"\]: field "InputPath" is for JSONPath states, and this Pass state uses JSONata/),
      expect.stringMatching(/^ at \$\.States\["L"\]\.Iterator\.States\["W"\]: unknown field "Resultz"/),
    ]);
  });

  it("reports an unknown Type, instead of asl-validator's findings about Type and QueryLanguage", () => {
    const definition = { StartAt: "B", States: { B: { Type: "Passs", End: true } } };
    expect(loadDefinition(definitionFile(definition)).problems).toEqual([expect.stringMatching(/^ at \$\.States\["B"\]: unknown Type "Passs" \(did you mean "Pass"\?\)/)]);
  });

  it("keeps asl-validator's own findings for the rest", () => {
    const definition = { StartAt: "A", States: { A: { Type: "Wait", Seconds: "soon", Next: "B" }, B: { Type: "Pass", Resultz: 1, End: true } } };
    expect(loadDefinition(definitionFile(definition)).problems).toEqual([
      expect.stringMatching(/^ at \$\.States\["B"\]: unknown field "Resultz"/),
      ": not valid Amazon States Language: /States/A/Seconds is invalid. must match exactly one schema in oneOf",
    ]);
    // asl-validator adds that Type and QueryLanguage "must be equal to one of the allowed values": they are, and that is dropped.
    const wrongLanguage = { QueryLanguage: "XPath", StartAt: "A", States: { "a/b~c": { Type: "Pass", End: true } } };
    expect(loadDefinition(definitionFile(wrongLanguage)).problems).toContainEqual(
      ": not valid Amazon States Language: /States/a~1b~0c/QueryLanguage is invalid. must be equal to one of the allowed values",
    );
    const wrongType = { StartAt: "A", States: { A: { Type: "Pass", Comment: 3, End: true } } };
    expect(loadDefinition(definitionFile(wrongType)).problems).toEqual([": not valid Amazon States Language: /States/A/Comment is invalid. must be string"]);
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
