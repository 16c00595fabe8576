import { describe, expect, it } from "vitest";
import { throughput } from "../src/demo.mjs";
import { helloWorld } from "../src/hello-world.mjs";
import { pipeline } from "../src/pipeline.mjs";
import { weather } from "../src/weather.mjs";

const quiet = () => {};

describe("zguide examples", () => {
  it("hello world: every request gets its reply", async () => {
    expect(await helloWorld({ requests: 5, log: quiet })).toEqual(Array(5).fill("World"));
  });

  it("weather: the subscriber gets only its zip code", async () => {
    const lines: string[] = [];
    await weather({ updates: 10, zip: "10001", log: (line) => lines.push(line) });
    const updates = lines.filter((line) => line.startsWith("subscriber:"));
    expect(updates).toHaveLength(10);
    for (const line of updates) expect(line).toMatch(/^subscriber: 10001 -?\d+ \d+$/);
  });

  it("pipeline: every task reaches the sink, spread over all workers", async () => {
    const { sum, perWorker } = await pipeline({ tasks: 30, workers: 3, log: quiet });
    expect(sum).toBe((29 * 30) / 2);
    expect([...perWorker.values()]).toEqual([10, 10, 10]);
  });

  it("throughput: moves messages and reports a rate", async () => {
    expect(await throughput({ messages: 20_000 })).toBeGreaterThan(0);
  });
});
