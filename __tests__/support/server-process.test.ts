import { startServer } from "./server-process";

/** The servers the apply tests start (moto's, providers kept running), played by small Node scripts. */
const node = (script: string) => ["-e", script] as const;
const port = (stdout: string) => /^port (\d+)$/m.exec(stdout)?.[1];

describe("startServer", () => {
  it("resolves with what the server prints once it serves, and stop() ends it by closing its stdin", async () => {
    const { ready, server } = await startServer(
      "a server",
      process.execPath,
      node('console.log("starting"); setTimeout(() => console.log("port 4242"), 50); process.stdin.resume().on("end", () => process.exit(0));'),
      {
        awaited: "its port",
        ready: port,
      },
    );
    expect(ready).toBe("4242");
    expect(server.alive).toBe(true);
    await server.stop();
    expect(server.alive).toBe(false);
  });

  it("rejects with what the server wrote when it exits before it serves", async () => {
    const started = startServer("a server", process.execPath, node('console.error("no free port"); process.exit(3);'), { awaited: "its port", ready: port });
    await expect(started).rejects.toThrow(/^a server exited \(3\) before it printed its port:\nno free port/);
  });

  it("rejects when the command cannot start", async () => {
    const started = startServer("a server", "/nonexistent/server", [], { awaited: "its port", ready: port });
    await expect(started).rejects.toThrow(/^a server could not start \(spawn \/nonexistent\/server ENOENT\)/);
  });

  it("kills a server that ignores its stdin's close, and whatever it started, once the grace has passed", async () => {
    jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate"] });
    try {
      const { server } = await startServer("a server", "bash", ["-c", 'sleep 600 & echo "port 1"; wait'], { awaited: "its port", ready: port });
      const stopped = server.stop();
      jest.advanceTimersByTime(30_000);
      await stopped;
      expect(server.alive).toBe(false);
    } finally {
      jest.useRealTimers();
    }
  });
});
