import { Quota, TokenBucket } from "../../local/throttle";

describe("TokenBucket", () => {
  it("lets a burst through, then refills at the rate", () => {
    let now = 0;
    const bucket = new TokenBucket(2, 3, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    now = 499;
    expect(bucket.take()).toBe(false);
    now = 500;
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    now = 60_000;
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });
});

describe("Quota", () => {
  it("counts requests per UTC day and starts again the next day", () => {
    let now = Date.parse("2026-11-23T23:59:59Z");
    const quota = new Quota(2, "DAY", () => now);
    expect([quota.take(), quota.take(), quota.take()]).toEqual([true, true, false]);
    now = Date.parse("2026-11-24T00:00:00Z");
    expect(quota.take()).toBe(true);
  });

  it("counts weeks from Monday and months from the first", () => {
    let now = Date.parse("2026-11-22T12:00:00Z"); // a Sunday
    const week = new Quota(1, "WEEK", () => now);
    expect([week.take(), week.take()]).toEqual([true, false]);
    now = Date.parse("2026-11-23T00:00:00Z"); // Monday
    expect(week.take()).toBe(true);
    now = Date.parse("2026-11-30T10:00:00Z");
    const month = new Quota(1, "MONTH", () => now);
    expect([month.take(), month.take()]).toEqual([true, false]);
    now = Date.parse("2026-12-01T00:00:00Z");
    expect(month.take()).toBe(true);
  });
});
