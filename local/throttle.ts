/**
 * API Gateway's throttling, a token bucket: `burstLimit` requests at once, refilled at `rateLimit`
 * per second.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rateLimit: number,
    private readonly burstLimit: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burstLimit;
    this.last = now();
  }

  /** Takes a token; false when there is none (the request is throttled). */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burstLimit, this.tokens + ((now - this.last) / 1000) * this.rateLimit);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** A usage plan's quota: `limit` requests per period (DAY, WEEK or MONTH, in UTC, as API Gateway counts). */
export class Quota {
  private period = "";
  private used = 0;

  constructor(
    private readonly limit: number,
    private readonly periodKind: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a request; false when the period's quota is used up. */
  take(): boolean {
    const period = periodOf(new Date(this.now()), this.periodKind);
    if (period !== this.period) {
      this.period = period;
      this.used = 0;
    }
    if (this.used >= this.limit) return false;
    this.used += 1;
    return true;
  }
}

function periodOf(date: Date, kind: string): string {
  const day = date.toISOString().slice(0, 10);
  if (kind === "DAY") return day;
  if (kind === "MONTH") return day.slice(0, 7);
  // WEEK: API Gateway's weeks start on Monday.
  const monday = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - ((date.getUTCDay() + 6) % 7)));
  return monday.toISOString().slice(0, 10);
}
