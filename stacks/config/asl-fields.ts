/**
 * The fields each kind of Amazon States Language state accepts, in each query language, and a
 * check of one state against them. asl-validator (its JSON schemas) says only "/States/B is
 * invalid. must match exactly one schema in oneOf" for a field it does not know; this check names
 * the field and what the state accepts instead.
 *
 * The tables are asl-validator 4.0.0's schemas (node_modules/asl-validator/dist/src/schemas,
 * checked by __tests__/asl-fields.test.ts), but for one field the Amazon States Language forbids
 * and the schemas let through: End in a Choice state ("a Choice state MUST NOT be an End state").
 */

export const QUERY_LANGUAGES = ["JSONPath", "JSONata"] as const;
export type QueryLanguage = (typeof QUERY_LANGUAGES)[number];

export const STATE_TYPES = ["Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"] as const;
export type StateType = (typeof STATE_TYPES)[number];

const COMMON = ["Type", "QueryLanguage", "Comment"];
const TRANSITION = ["Next", "End"];
const ERROR_HANDLING = ["Retry", "Catch"];

/** Every field a state of each type accepts, in each query language. */
export const STATE_FIELDS: Readonly<Record<StateType, Readonly<Record<QueryLanguage, readonly string[]>>>> = {
  Pass: {
    JSONPath: [...COMMON, "InputPath", "Parameters", "Result", "ResultPath", "OutputPath", "Assign", ...TRANSITION],
    JSONata: [...COMMON, "Result", "Output", "Assign", ...TRANSITION],
  },
  Task: {
    JSONPath: [
      ...COMMON,
      "Resource",
      "InputPath",
      "Parameters",
      "Credentials",
      "ResultSelector",
      "ResultPath",
      "OutputPath",
      "Assign",
      "TimeoutSeconds",
      "TimeoutSecondsPath",
      "HeartbeatSeconds",
      "HeartbeatSecondsPath",
      ...ERROR_HANDLING,
      ...TRANSITION,
    ],
    JSONata: [...COMMON, "Resource", "Arguments", "Credentials", "Output", "Assign", "TimeoutSeconds", "HeartbeatSeconds", ...ERROR_HANDLING, ...TRANSITION],
  },
  Choice: {
    JSONPath: [...COMMON, "Choices", "Default", "InputPath", "OutputPath", "Assign"],
    JSONata: [...COMMON, "Choices", "Default", "Output", "Assign"],
  },
  Wait: {
    JSONPath: [...COMMON, "Seconds", "SecondsPath", "Timestamp", "TimestampPath", "InputPath", "OutputPath", "Assign", ...TRANSITION],
    JSONata: [...COMMON, "Seconds", "Timestamp", "Output", "Assign", ...TRANSITION],
  },
  Succeed: {
    JSONPath: [...COMMON, "InputPath", "OutputPath"],
    JSONata: [...COMMON, "Output"],
  },
  Fail: {
    JSONPath: [...COMMON, "Error", "ErrorPath", "Cause", "CausePath"],
    JSONata: [...COMMON, "Error", "Cause"],
  },
  Parallel: {
    JSONPath: [...COMMON, "Branches", "InputPath", "Parameters", "ResultSelector", "ResultPath", "OutputPath", "Assign", ...ERROR_HANDLING, ...TRANSITION],
    JSONata: [...COMMON, "Branches", "Arguments", "Output", "Assign", ...ERROR_HANDLING, ...TRANSITION],
  },
  Map: {
    JSONPath: [
      ...COMMON,
      "ItemProcessor",
      "Iterator",
      "ItemsPath",
      "ItemReader",
      "ItemSelector",
      "Parameters",
      "ItemBatcher",
      "ResultWriter",
      "MaxConcurrency",
      "MaxConcurrencyPath",
      "ToleratedFailureCount",
      "ToleratedFailureCountPath",
      "ToleratedFailurePercentage",
      "ToleratedFailurePercentagePath",
      "Label",
      "InputPath",
      "ResultSelector",
      "ResultPath",
      "OutputPath",
      "Assign",
      ...ERROR_HANDLING,
      ...TRANSITION,
    ],
    JSONata: [
      ...COMMON,
      "ItemProcessor",
      "Iterator",
      "Items",
      "ItemReader",
      "ItemSelector",
      "ItemBatcher",
      "ResultWriter",
      "MaxConcurrency",
      "ToleratedFailureCount",
      "ToleratedFailurePercentage",
      "Label",
      "Output",
      "Assign",
      ...ERROR_HANDLING,
      ...TRANSITION,
    ],
  },
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * What is wrong with the fields of ONE state, each as "<at>: <what>": a missing or unknown Type, a
 * QueryLanguage that is neither JSONPath nor JSONata, and every field its type does not accept in
 * its query language (the state's own QueryLanguage, else `defaultQueryLanguage`, the state
 * machine's). It does not look into nested states (Parallel branches, Map processors): whoever
 * walks the definition calls it for each state. Anything but an object gets no finding here
 * (asl-validator reports it).
 */
export function stateFieldProblems(state: unknown, at: string, defaultQueryLanguage: unknown = "JSONPath"): string[] {
  if (!isObject(state)) return [];
  const types = STATE_TYPES.join(", ");
  if (!("Type" in state)) return [`${at}: no "Type"; a state's Type is one of ${types}`];
  const type = state.Type;
  if (typeof type !== "string" || !(STATE_TYPES as readonly string[]).includes(type)) {
    return [`${at}: unknown Type ${JSON.stringify(type)}${didYouMean(type, STATE_TYPES)}; a state's Type is one of ${types}`];
  }
  const language = "QueryLanguage" in state ? state.QueryLanguage : defaultQueryLanguage;
  if (!(QUERY_LANGUAGES as readonly unknown[]).includes(language)) {
    // Only the state's own QueryLanguage is this state's problem; the state machine's is reported once, elsewhere.
    return "QueryLanguage" in state ? [`${at}.QueryLanguage: ${JSON.stringify(language)} is neither "JSONPath" nor "JSONata"`] : [];
  }
  const accepted = STATE_FIELDS[type as StateType][language as QueryLanguage];
  const other = QUERY_LANGUAGES.find((l) => l !== language) as QueryLanguage;
  const kind = `${language} ${type} state`;
  const accepts = `a ${kind} accepts ${accepted.join(", ")}`;
  return Object.keys(state)
    .filter((field) => !accepted.includes(field))
    .map((field) => {
      if (STATE_FIELDS[type as StateType][other].includes(field)) {
        return `${at}: field "${field}" is for ${other} states, and this ${type} state uses ${language} (its QueryLanguage or the state machine's); ${accepts}`;
      }
      if (field === "End" && type === "Choice")
        return `${at}: a Choice state cannot end the execution ("End"): its Choices and Default name the next state; ${accepts}`;
      return `${at}: unknown field "${field}"${didYouMean(field, accepted)} in a ${kind}; ${accepts}`;
    });
}

/** ` (did you mean "X"?)` when one known name is close to `name` (case aside, or one or two edits away). */
function didYouMean(name: unknown, known: readonly string[]): string {
  if (typeof name !== "string") return "";
  const close = known.filter((k) => k.toLowerCase() === name.toLowerCase() || editDistance(k, name) <= Math.min(2, Math.floor(k.length / 3)));
  return close.length === 1 ? ` (did you mean "${close[0]}"?)` : "";
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
