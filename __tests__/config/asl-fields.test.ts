import * as fs from "node:fs";
import * as path from "node:path";
import { QUERY_LANGUAGES, type QueryLanguage, STATE_FIELDS, STATE_TYPES, type StateType, stateFieldProblems } from "../../stacks/config/asl-fields";
import { PROJECT_DIR } from "../support/stacks";

/** asl-validator, the reference for the tables (it ships no types). */
const validateAsl = require("asl-validator") as (definition: unknown) => { isValid: boolean; errors: Array<{ Message: string }> };

/** A valid state of each type in each query language, with the states it needs around it. */
const VALID: Record<StateType, Record<QueryLanguage, object>> = {
  Pass: { JSONPath: { Type: "Pass", Result: { a: 1 }, ResultPath: "$.r", End: true }, JSONata: { Type: "Pass", Output: "{% $states.input %}", End: true } },
  Task: {
    JSONPath: {
      Type: "Task",
      Resource: "arn:aws:states:::lambda:invoke",
      Parameters: { "Payload.$": "$" },
      Retry: [{ ErrorEquals: ["States.ALL"] }],
      End: true,
    },
    JSONata: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Arguments: { Payload: "{% $states.input %}" }, End: true },
  },
  Choice: {
    JSONPath: { Type: "Choice", Choices: [{ Variable: "$.x", IsPresent: true, Next: "Done" }], Default: "Done" },
    JSONata: { Type: "Choice", Choices: [{ Condition: "{% $exists($states.input.x) %}", Next: "Done" }], Default: "Done" },
  },
  Wait: { JSONPath: { Type: "Wait", SecondsPath: "$.seconds", Next: "Done" }, JSONata: { Type: "Wait", Seconds: "{% $states.input.seconds %}", Next: "Done" } },
  Succeed: { JSONPath: { Type: "Succeed", OutputPath: "$.a" }, JSONata: { Type: "Succeed", Output: { a: 1 } } },
  Fail: { JSONPath: { Type: "Fail", ErrorPath: "$.error", Cause: "why" }, JSONata: { Type: "Fail", Error: "{% $states.input.error %}", Cause: "why" } },
  Parallel: {
    JSONPath: { Type: "Parallel", Branches: [{ StartAt: "X", States: { X: { Type: "Pass", End: true } } }], ResultPath: "$.r", End: true },
    JSONata: { Type: "Parallel", Branches: [{ StartAt: "X", States: { X: { Type: "Pass", End: true } } }], Output: "{% $states.result %}", End: true },
  },
  Map: {
    JSONPath: { Type: "Map", ItemsPath: "$.items", ItemProcessor: { StartAt: "X", States: { X: { Type: "Pass", End: true } } }, End: true },
    JSONata: { Type: "Map", Items: "{% $states.input.items %}", ItemProcessor: { StartAt: "X", States: { X: { Type: "Pass", End: true } } }, End: true },
  },
};
const definitionWith = (state: object, language: QueryLanguage) => ({
  QueryLanguage: language,
  StartAt: "S",
  States: { S: state, ...(JSON.stringify(state).includes('"Done"') ? { Done: { Type: "Succeed" } } : {}) },
});
const CASES = STATE_TYPES.flatMap((type) => QUERY_LANGUAGES.map((language) => [type, language] as const));

describe("STATE_FIELDS", () => {
  /** Fields the Amazon States Language forbids where asl-validator's schemas let them through. */
  const STRICTER: Partial<Record<StateType, readonly string[]>> = { Choice: ["End"] };

  it.each(CASES)("lists for a %s state in %s exactly the fields asl-validator's schema has", (type, language) => {
    const schema = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "node_modules/asl-validator/dist/src/schemas", `${type.toLowerCase()}.json`), "utf8"));
    const branch = schema.oneOf.find((b: { properties: { QueryLanguage: { $ref: string } } }) =>
      b.properties.QueryLanguage.$ref.startsWith(language === "JSONPath" ? "paths.json" : "jsonata.json"),
    );
    expect(branch.additionalProperties).toBe(false);
    const schemaFields = Object.keys(branch.properties).filter((f) => !(STRICTER[type] ?? []).includes(f));
    expect([...STATE_FIELDS[type][language]].sort()).toEqual(schemaFields.sort());
  });
});

describe("stateFieldProblems", () => {
  it.each(CASES)("finds nothing in a valid %s state (%s), which asl-validator accepts too", (type, language) => {
    expect(validateAsl(definitionWith(VALID[type][language], language)).errors).toEqual([]);
    expect(stateFieldProblems(VALID[type][language], '$.States["S"]', language)).toEqual([]);
  });

  it.each(CASES)("names an unknown field of a %s state (%s), and what the state accepts", (type, language) => {
    const state = { ...VALID[type][language], Resultz: 1 };
    expect(validateAsl(definitionWith(state, language)).isValid).toBe(false);
    expect(stateFieldProblems(state, '$.States["S"]', language)).toEqual([
      `$.States["S"]: unknown field "Resultz"${type === "Pass" ? ' (did you mean "Result"?)' : ""} in a ${language} ${type} state; ` +
        `a ${language} ${type} state accepts ${STATE_FIELDS[type][language].join(", ")}`,
    ]);
  });

  it("names the Pass state's unknown field as the issue asks", () => {
    expect(stateFieldProblems({ Type: "Pass", Resultz: {}, End: true }, '$.States["B"]')).toEqual([
      '$.States["B"]: unknown field "Resultz" (did you mean "Result"?) in a JSONPath Pass state; ' +
        "a JSONPath Pass state accepts Type, QueryLanguage, Comment, InputPath, Parameters, Result, ResultPath, OutputPath, Assign, Next, End",
    ]);
  });

  it("reports every unknown field, and hints at a field's spelling", () => {
    const found = stateFieldProblems(
      { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", resultPath: "$.r", TimeoutSecs: 3, Foo: 1, End: true },
      "$.States.T",
    );
    expect(found.map((p) => p.split(";")[0])).toEqual([
      '$.States.T: unknown field "resultPath" (did you mean "ResultPath"?) in a JSONPath Task state',
      '$.States.T: unknown field "TimeoutSecs" in a JSONPath Task state',
      '$.States.T: unknown field "Foo" in a JSONPath Task state',
    ]);
  });

  describe("JSONata", () => {
    it("takes the state machine's query language, or the state's own", () => {
      const pass = { Type: "Pass", Parameters: { a: 1 }, End: true };
      expect(stateFieldProblems(pass, "$.States.P", "JSONPath")).toEqual([]);
      const jsonata = [
        '$.States.P: field "Parameters" is for JSONPath states, and this Pass state uses JSONata (its QueryLanguage or the state machine\'s); ' +
          "a JSONata Pass state accepts Type, QueryLanguage, Comment, Result, Output, Assign, Next, End",
      ];
      expect(stateFieldProblems(pass, "$.States.P", "JSONata")).toEqual(jsonata);
      expect(stateFieldProblems({ ...pass, QueryLanguage: "JSONata" }, "$.States.P", "JSONPath")).toEqual(jsonata);
      expect(stateFieldProblems({ ...pass, QueryLanguage: "JSONPath" }, "$.States.P", "JSONata")).toEqual([]);
    });

    it("says which JSONata field a JSONPath state cannot have", () => {
      const task = { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Arguments: {}, End: true };
      expect(stateFieldProblems(task, "$.States.T")).toEqual([
        expect.stringMatching(
          /^\$\.States\.T: field "Arguments" is for JSONata states, and this Task state uses JSONPath .*; a JSONPath Task state accepts .*Parameters/,
        ),
      ]);
    });

    it("reports a QueryLanguage that is neither, on the state only", () => {
      expect(stateFieldProblems({ Type: "Pass", QueryLanguage: "JSONATA", End: true }, "$.States.P")).toEqual([
        '$.States.P.QueryLanguage: "JSONATA" is neither "JSONPath" nor "JSONata"',
      ]);
      expect(stateFieldProblems({ Type: "Pass", End: true }, "$.States.P", "XPath")).toEqual([]);
    });
  });

  it("reports a missing or unknown Type", () => {
    const types = "Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map";
    expect(stateFieldProblems({ End: true }, "$.States.B")).toEqual([`$.States.B: no "Type"; a state's Type is one of ${types}`]);
    expect(stateFieldProblems({ Type: "Passs", End: true }, "$.States.B")).toEqual([
      `$.States.B: unknown Type "Passs" (did you mean "Pass"?); a state's Type is one of ${types}`,
    ]);
    expect(stateFieldProblems({ Type: 3 }, "$.States.B")).toEqual([`$.States.B: unknown Type 3; a state's Type is one of ${types}`]);
  });

  it("refuses End in a Choice state, which asl-validator lets through", () => {
    const choice = { ...VALID.Choice.JSONPath, End: true };
    expect(validateAsl(definitionWith(choice, "JSONPath")).isValid).toBe(true);
    expect(stateFieldProblems(choice, "$.States.C")).toEqual([expect.stringMatching(/^\$\.States\.C: a Choice state cannot end the execution \("End"\)/)]);
  });

  it("checks one state: nested states are for the caller's walk, reported at the path it gives", () => {
    const nested = { Type: "Pass", Resultz: 1, End: true };
    const parallel = { Type: "Parallel", Branches: [{ StartAt: "X", States: { X: nested } }], End: true };
    expect(stateFieldProblems(parallel, '$.States["P"]')).toEqual([]);
    expect(stateFieldProblems(nested, '$.States["P"].Branches[0].States["X"]')).toEqual([
      expect.stringMatching(/^\$\.States\["P"\]\.Branches\[0\]\.States\["X"\]: unknown field "Resultz"/),
    ]);
  });

  it("leaves what is not an object to asl-validator", () => {
    for (const state of [null, "Pass", 3, [{ Type: "Pass" }]]) expect(stateFieldProblems(state, "$.States.B")).toEqual([]);
  });
});
