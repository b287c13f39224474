import { execFileSync } from "node:child_process";
import { type Emulator, emulatorMissing, startEmulator } from "../support/emulator";
import { describeNeeding } from "../support/terraform";

/**
 * A client that delays its ACKs (TCP_QUICKACK off, as a busy one does), asking the emulator for
 * KMS's keys three times: for each answer, the size of each read until the server closed, and
 * whether the answer was whole (its body as long as its Content-Length says). Without the ACK of
 * a first send, Nagle's algorithm holds back a second one: an answer written in two sends comes in
 * two reads, some milliseconds apart.
 */
const PROBE = String.raw`
import json, socket, sys
from urllib.parse import urlparse

url = urlparse(sys.argv[1])
quickack = getattr(socket, "TCP_QUICKACK", None)
request = (b"POST / HTTP/1.1\r\nHost: emulator\r\nX-Amz-Target: TrentService.ListKeys\r\n"
           b"Content-Type: application/x-amz-json-1.1\r\nAuthorization: AWS4-HMAC-SHA256 "
           b"Credential=test/20261204/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=x\r\n"
           b"Content-Length: 2\r\n\r\n{}")
answers = []
for _ in range(3):
    s = socket.create_connection((url.hostname, url.port))
    delay_acks = lambda: quickack is not None and s.setsockopt(socket.IPPROTO_TCP, quickack, 0)
    delay_acks()
    s.sendall(request)
    reads, data = [], b""
    while True:
        delay_acks()
        chunk = s.recv(65536)
        if not chunk:
            break
        reads.append(len(chunk))
        data += chunk
    s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    length = [int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")]
    answers.append({"reads": reads, "whole": length == [len(body)]})
print(json.dumps(answers))
`;

// Only moto is needed here, not Terraform.
describeNeeding(emulatorMissing(), "the emulator's server", () => {
  let aws: Emulator;
  beforeAll(async () => {
    aws = await startEmulator();
  });
  afterAll(async () => {
    await aws?.stop();
  });

  // The KMS alias flake (CONTRIBUTING): werkzeug wrote headers and body apart, and the AWS
  // provider's client, closing the connection between them, sent the call again.
  it("writes each answer whole in one send: a client that delays its ACKs reads it at once", () => {
    const answers = JSON.parse(execFileSync("python3", ["-c", PROBE, aws.url], { encoding: "utf8" })) as Array<{ reads: number[]; whole: boolean }>;
    expect(answers.map(({ reads, whole }) => ({ reads: reads.length, whole }))).toEqual([
      { reads: 1, whole: true },
      { reads: 1, whole: true },
      { reads: 1, whole: true },
    ]);
  });
});
