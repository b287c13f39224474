/**
 * How a setting's text becomes its value: each parser returns the value, or undefined when the
 * text is not accepted (the loader then reports the setting and what it accepts).
 */
export type Parser<T> = (raw: string) => T | undefined;

export const oneOf =
  <T extends string>(values: readonly T[]): Parser<T> =>
  (raw) =>
    values.find((v) => v === raw);

export const positiveNumber: Parser<number> = (raw) => {
  const n = Number(raw);
  return raw.trim() !== "" && Number.isFinite(n) && n > 0 ? n : undefined;
};

export const atLeastZero: Parser<number> = (raw) => {
  const n = Number(raw);
  return raw.trim() !== "" && Number.isFinite(n) && n >= 0 ? n : undefined;
};

export const wholeNumberAtLeastOne: Parser<number> = (raw) => {
  const n = Number(raw);
  return /^\s*\d+\s*$/.test(raw) && Number.isSafeInteger(n) && n >= 1 ? n : undefined;
};

export const wholeNumberBetween =
  (min: number, max: number): Parser<number> =>
  (raw) => {
    const n = Number(raw);
    return /^\s*\d+\s*$/.test(raw) && n >= min && n <= max ? n : undefined;
  };

export const port: Parser<number> = (raw) => {
  const n = Number(raw);
  return /^\s*\d+\s*$/.test(raw) && n <= 65535 ? n : undefined;
};

export const boolean: Parser<boolean> = (raw) => (raw === "true" ? true : raw === "false" ? false : undefined);

export const matching =
  (pattern: RegExp): Parser<string> =>
  (raw) =>
    pattern.test(raw) ? raw : undefined;

/**
 * `key=value,key=value`, or a JSON object (as `cdktf.json` context naturally holds it): the pairs in
 * order, duplicates kept (a pair without `=` has the key "" and no value); undefined when the JSON
 * does not parse.
 */
function keyValuePairs(raw: string): [string, unknown][] | undefined {
  if (raw.trim().startsWith("{")) {
    try {
      return Object.entries(JSON.parse(raw) as Record<string, unknown>);
    } catch {
      return undefined;
    }
  }
  return raw
    .split(",")
    .filter((pair) => pair.trim() !== "")
    .map((pair) => {
      const eq = pair.indexOf("=");
      return eq < 0 ? ["", undefined] : [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()];
    });
}

/** `key=value,key=value`, or a JSON object of strings; AWS's tag rules. */
export const tags: Parser<Readonly<Record<string, string>>> = (raw) => {
  const entries = keyValuePairs(raw);
  const valid = entries?.every(([k, v]) => /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u.test(k) && !k.startsWith("aws:") && typeof v === "string" && v.length <= 256);
  return valid ? Object.fromEntries(entries as [string, string][]) : undefined;
};

/** An e-mail address, as SNS takes it. */
export const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;

/**
 * `name=path,name=path`, or a JSON object `{"name": "path"}`: the pairs in order, duplicates kept,
 * so the loader can name them. Syntax only: the loader checks the names.
 */
export const namedPaths: Parser<ReadonlyArray<readonly [string, string]>> = (raw) => {
  const entries = keyValuePairs(raw);
  const valid = entries !== undefined && entries.length > 0 && entries.every(([name, file]) => name !== "" && typeof file === "string" && /\S/.test(file));
  return valid ? (entries as [string, string][]) : undefined;
};

export const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;
export const REGION = /^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
export const WORKSPACE = /^[A-Za-z0-9_-]{1,90}$/;
export const HOST_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;

/** A web origin as browsers send it: scheme, lowercase host, optional port; no path. */
export const ORIGIN = /^https?:\/\/[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/;

/** `*`, or origins separated by commas, each listed once. */
export const origins: Parser<readonly string[]> = (raw) => {
  if (raw.trim() === "*") return ["*"];
  const list = raw.split(",").map((o) => o.trim());
  return list.every((o) => ORIGIN.test(o)) && new Set(list).size === list.length ? list : undefined;
};

export const ACM_CERTIFICATE_ARN = /^arn:aws[\w-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[A-Za-z0-9-]+$/;
export const WAF_WEB_ACL_ARN = /^arn:aws[\w-]*:wafv2:([a-z0-9-]+):\d{12}:regional\/webacl\/[A-Za-z0-9_-]{1,128}\/[A-Za-z0-9-]+$/;

export const COGNITO_USER_POOL_ARN = /^arn:aws[\w-]*:cognito-idp:[a-z0-9-]+:\d{12}:userpool\/[a-z0-9-]+_[A-Za-z0-9]+$/;

/** Values separated by commas, each matching `pattern`, each listed once. */
export const listOf =
  (pattern: RegExp): Parser<readonly string[]> =>
  (raw) => {
    const list = raw.split(",").map((v) => v.trim());
    return list.every((v) => pattern.test(v)) && new Set(list).size === list.length ? list : undefined;
  };

/** An API key as API Gateway takes and issues one: the local gateway's key and verify's --api-key. */
export const API_GATEWAY_KEY = {
  accepts: "20 to 128 printable ASCII characters, as API Gateway's keys",
  parse: matching(/^[\x21-\x7e]{20,128}$/),
} as const;
