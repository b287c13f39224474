import * as fs from "node:fs";
import * as path from "node:path";
import { type AslValidator, aslValidator, expressIncompatibilities, loadDefinition } from "../../stacks/config/definition";
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
        P: {
          Type: "Parallel",
          Branches: [
            { StartAt: "X", States: { X: { Type: "Pass", End: true } } },
            { StartAt: "Y", States: { Y: bad } },
          ],
          Next: "M",
        },
        M: { Type: "Map", ItemProcessor: { StartAt: "Z", States: { Z: { Type: "Pass", InputPath: "$.a", End: true } } }, Next: "L" },
        L: { Type: "Map", Iterator: { StartAt: "W", States: { W: bad } }, End: true },
      },
    };
    expect(loadDefinition(definitionFile(definition)).problems).toEqual([
      expect.stringMatching(
        /^ at \$\.States\["P"\]\.Branches\[1\]\.States\["Y"\]: unknown field "Resultz" .* in a JSONata Pass state; a JSONata Pass state accepts /,
      ),
      expect.stringMatching(/^ at \$\.States\["M"\]\.ItemProcessor\.States\["Z"\]: field "InputPath" is for JSONPath states, and this Pass state uses JSONata/),
      expect.stringMatching(/^ at \$\.States\["L"\]\.Iterator\.States\["W"\]: unknown field "Resultz"/),
    ]);
  });

  it("reports an unknown Type, instead of asl-validator's findings about Type and QueryLanguage", () => {
    const definition = { StartAt: "B", States: { B: { Type: "Passs", End: true } } };
    expect(loadDefinition(definitionFile(definition)).problems).toEqual([
      expect.stringMatching(/^ at \$\.States\["B"\]: unknown Type "Passs" \(did you mean "Pass"\?\)/),
    ]);
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
          Read: {
            Type: "Map",
            ItemReader: { Resource: "arn:aws:states:::s3:getObject" },
            ItemProcessor: { StartAt: "P", States: { P: { Type: "Pass", End: true } } },
            End: true,
          },
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

describe("loadDefinition's problems", () => {
  it("refuses a missing file", () => {
    expect(loadDefinition(path.join(PROJECT_DIR, "templates/missing.asl.json")).problems).toEqual([": cannot read the file (ENOENT)"]);
  });

  it("refuses a file that is not JSON", () => {
    expect(loadDefinition(definitionFile("{ StartAt: ")).problems).toEqual([expect.stringMatching(/^: not JSON \(/)]);
  });

  it("refuses JSON that is not valid Amazon States Language, naming each problem", () => {
    const file = definitionFile(JSON.stringify({ StartAt: "Missing", States: { W: { Type: "Wait", End: true } } }));
    const found = loadDefinition(file).problems;
    expect(found.length).toBeGreaterThanOrEqual(2);
    expect(found.every((p) => p.startsWith(": not valid Amazon States Language:"))).toBe(true);
    expect(found.join("\n")).toContain("Missing");
  });

  it("refuses what an Express workflow cannot run, naming each state by its ASL path", () => {
    const definition = {
      StartAt: "Both",
      States: {
        Both: {
          Type: "Parallel",
          Branches: [
            { StartAt: "Run job", States: { "Run job": { Type: "Task", Resource: "arn:aws:states:::ecs:runTask.sync", End: true } } },
            {
              StartAt: "Ask",
              States: {
                Ask: {
                  Type: "Task",
                  Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                  Parameters: { QueueUrl: "q", MessageBody: { "t.$": "$$.Task.Token" } },
                  End: true,
                },
              },
            },
          ],
          Next: "Approve",
        },
        Approve: { Type: "Task", Resource: "arn:aws:states:us-east-1:123456789012:activity:approve", Next: "Fan out" },
        "Fan out": {
          Type: "Map",
          ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" }, StartAt: "P", States: { P: { Type: "Pass", End: true } } },
          End: true,
        },
      },
    };
    const file = definitionFile(JSON.stringify(definition));
    expect(loadDefinition(file).problems).toEqual([
      ` at $.States["Both"].Branches[0].States["Run job"].Resource: "arn:aws:states:::ecs:runTask.sync" waits for a job to complete (.sync); Express workflows (which StartSyncExecution runs) support neither .sync nor .waitForTaskToken service integrations, activities or Distributed Map`,
      expect.stringContaining(
        `at $.States["Both"].Branches[1].States["Ask"].Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken" waits for a callback (.waitForTaskToken)`,
      ),
      expect.stringContaining(`at $.States["Approve"].Resource: "arn:aws:states:us-east-1:123456789012:activity:approve" is an activity`),
      expect.stringContaining(`at $.States["Fan out"]: a Distributed Map`),
    ]);
  });

  it("accepts what Express runs: request-response integrations, inline Map, Parallel", () => {
    const definition = {
      StartAt: "Call",
      States: {
        Call: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: "f" }, Next: "Each" },
        Each: { Type: "Map", ItemProcessor: { ProcessorConfig: { Mode: "INLINE" }, StartAt: "P", States: { P: { Type: "Pass", End: true } } }, End: true },
      },
    };
    expect(loadDefinition(definitionFile(definition))).toEqual({ definition: JSON.stringify(definition), problems: [] });
  });

  it("accepts a valid definition from any path and serializes it compactly, unchanged", () => {
    const definition = { StartAt: "P", States: { P: { Type: "Pass", End: true } } };
    expect(loadDefinition(definitionFile(JSON.stringify(definition, null, 2))).definition).toBe(JSON.stringify(definition));
  });
});

describe("aslValidator: asl-validator, its schemas compiled once per process", () => {
  // asl-validator as shipped, in a module registry of its own: it builds its Ajv on every call.
  let shipped: AslValidator | undefined;
  jest.isolateModules(() => {
    shipped = require("asl-validator") as AslValidator;
  });
  const definitions: Record<string, unknown> = {
    valid: { StartAt: "P", States: { P: { Type: "Pass", End: true } } },
    "the default workflow": JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "templates/workflow.asl.json"), "utf8")),
    "an unknown field": { StartAt: "A", States: { A: { Type: "Pass", Next: "B" }, B: { Type: "Pass", Resultz: { a: 1 }, End: true } } },
    "an unknown Type": { StartAt: "B", States: { B: { Type: "Passs", End: true } } },
    "a wrong field type": { StartAt: "A", States: { A: { Type: "Wait", Seconds: "soon", Next: "B" }, B: { Type: "Pass", End: true } } },
    "a bad path": { StartAt: "A", States: { A: { Type: "Pass", InputPath: "not a path", End: true } } },
    "a bad ARN": { StartAt: "A", States: { A: { Type: "Task", Resource: "not:an:arn", End: true } } },
    "bad JSONata": { QueryLanguage: "JSONata", StartAt: "A", States: { A: { Type: "Pass", Output: "{% $$$( %}", End: true } } },
    "an unreachable state and a missing target": { StartAt: "Missing", States: { P: { Type: "Pass", End: true } } },
    "Next and End": { StartAt: "A", States: { A: { Type: "Pass", Next: "A", End: true } } },
    "not an object": [1, 2],
  };

  it.each(Object.keys(definitions))("gives asl-validator's own verdict and messages: %s", (name) => {
    const copy = () => JSON.parse(JSON.stringify(definitions[name]));
    const ours = aslValidator()(copy());
    const theirs = (shipped as AslValidator)(copy());
    expect(ours).toEqual({ ...theirs, errorsText: expect.any(Function) });
    expect(ours.isValid).toBe(name === "valid" || name === "the default workflow");
  });

  it("is one validator per process", () => {
    expect(aslValidator()).toBe(aslValidator());
  });
});
