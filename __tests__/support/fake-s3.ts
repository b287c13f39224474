import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { answerAwsApi, awsApiName } from "./fake-aws";

/**
 * An S3 endpoint on loopback with what Terraform's S3 backend uses: objects (GET, HEAD, PUT with
 * If-None-Match for its lock file, DELETE) and ListObjectsV2, path-style, in memory. The same
 * endpoint answers the few other AWS calls a plan makes (./fake-aws.ts), so one URL serves a plan.
 */
export interface FakeS3 {
  readonly url: string;
  readonly objects: Map<string, Buffer>;
  /** "METHOD bucket/key" of every S3 request, in order. */
  readonly requests: string[];
  /** The operation of every other AWS request ("AWSStepFunctions.ValidateStateMachineDefinition"), in order. */
  readonly apiCalls: string[];
  close(): Promise<void>;
}

export async function startFakeS3(): Promise<FakeS3> {
  const objects = new Map<string, Buffer>();
  const requests: string[] = [];
  const apiCalls: string[] = [];
  const xml = (res: http.ServerResponse, status: number, body: string) => {
    res.writeHead(status, { "content-type": "application/xml" }).end(`<?xml version="1.0" encoding="UTF-8"?>${body}`);
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const api = answerAwsApi(req, Buffer.concat(chunks).toString());
      if (api) {
        apiCalls.push(awsApiName(req, Buffer.concat(chunks).toString()) ?? "?");
        return res.writeHead(api.status, { "content-type": api.type }).end(api.body);
      }
      const url = new URL(req.url ?? "/", "http://s3");
      const [bucket, ...rest] = url.pathname.slice(1).split("/");
      const key = `${bucket}/${decodeURIComponent(rest.join("/"))}`;
      requests.push(`${req.method} ${key}${req.headers["if-none-match"] ? " if-none-match" : ""}`);
      if (rest.length === 0 || rest.join("") === "") {
        if (req.method === "GET" && url.searchParams.get("list-type") === "2") {
          const prefix = `${bucket}/${url.searchParams.get("prefix") ?? ""}`;
          const contents = [...objects.keys()]
            .filter((k) => k.startsWith(prefix))
            .map((k) => `<Contents><Key>${k.slice(bucket.length + 1)}</Key><Size>${objects.get(k)?.length}</Size></Contents>`)
            .join("");
          return xml(res, 200, `<ListBucketResult><Name>${bucket}</Name><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`);
        }
        return res.writeHead(200).end();
      }
      const body = objects.get(key);
      switch (req.method) {
        case "PUT":
          if (req.headers["if-none-match"] === "*" && body) return xml(res, 412, "<Error><Code>PreconditionFailed</Code></Error>");
          objects.set(key, Buffer.concat(chunks));
          return res.writeHead(200, { etag: `"${objects.size}"` }).end();
        case "GET":
        case "HEAD":
          if (!body) return xml(res, 404, `<Error><Code>NoSuchKey</Code><Key>${key}</Key></Error>`);
          res.writeHead(200, { "content-length": body.length, etag: '"1"' });
          return res.end(req.method === "GET" ? body : undefined);
        case "DELETE":
          objects.delete(key);
          return res.writeHead(204).end();
        default:
          return xml(res, 405, "<Error><Code>MethodNotAllowed</Code></Error>");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    objects,
    requests,
    apiCalls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The settings that point Terraform's S3 client at the fake endpoint (or the emulator), added to a backend or remote-state config. */
export const fakeS3Settings = (s3: { readonly url: string }) => ({
  endpoints: { s3: s3.url, sts: s3.url },
  use_path_style: true,
  skip_credentials_validation: true,
  skip_requesting_account_id: true,
  skip_metadata_api_check: true,
  skip_region_validation: true,
  skip_s3_checksum: true,
  access_key: "test",
  secret_key: "test",
});
