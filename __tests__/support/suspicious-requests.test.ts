import { type EmulatorRequest, suspiciousRequests } from "./emulator";

/** A request as the emulator logs it; the digest stands for method, path, query and body. */
const request = (operation: string, status: number, digest: string, method = "POST", path = "/", written = true): EmulatorRequest => ({
  service: operation ? "kms" : "apigateway",
  operation,
  method,
  path,
  status,
  ms: 5,
  digest,
  written,
});

describe("suspiciousRequests: what a failed apply's message says of the emulator's requests", () => {
  it("names a create sent again after its success, as a retry of a call that had worked would be", () => {
    expect(
      suspiciousRequests([
        request("CreateKey", 200, "k"),
        request("CreateAlias", 200, "a"),
        request("ListAliases", 200, "l"),
        request("CreateAlias", 400, "a"),
      ]),
    ).toEqual(["#3 kms CreateAlias: sent again after #1 was answered 200; answered 400 this time"]);
  });

  it("says nothing of reads asked again, of a write retried after it was refused, or of different writes", () => {
    expect(
      suspiciousRequests([
        request("DescribeKey", 200, "d"),
        request("DescribeKey", 200, "d"),
        request("", 200, "g", "GET", "/restapis"),
        request("", 200, "g", "GET", "/restapis"),
        request("", 429, "p", "PATCH", "/restapis/x/stages/live"),
        request("", 200, "p", "PATCH", "/restapis/x/stages/live"),
        request("CreateAlias", 200, "a1"),
        request("CreateAlias", 200, "a2"),
      ]),
    ).toEqual([]);
  });

  it("names an answer the server could not write whole", () => {
    expect(suspiciousRequests([request("", 200, "g", "GET", "/restapis", false)])).toEqual([
      "#0 apigateway GET /restapis: its answer (200) not written whole, the client gone first",
    ]);
  });

  it("names a REST write sent again after its success, and every answer of 500 or more", () => {
    expect(
      suspiciousRequests([
        request("", 201, "r", "POST", "/v2/apis/x/routes"),
        request("ListAliases", 500, "l"),
        request("", 409, "r", "POST", "/v2/apis/x/routes"),
      ]),
    ).toEqual([
      "#1 kms ListAliases: answered 500 in 5 ms",
      "#2 apigateway POST /v2/apis/x/routes: sent again after #0 was answered 201; answered 409 this time",
    ]);
  });
});
