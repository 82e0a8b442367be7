// Time for the insights module: injectable so tests can replay timelines, and the one place that
// knows the commune's day boundary (Asia/Ho_Chi_Minh is UTC+7 all year: no daylight saving).

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export const DAY_MS = 86_400_000;
export const LOCAL_OFFSET_MS = 7 * 3_600_000;

/** The local (UTC+7) calendar day of an instant, as YYYY-MM-DD. */
export function localDay(t: Date): string {
  return new Date(t.getTime() + LOCAL_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a local calendar day (YYYY-MM-DD) starts. */
export function startOfLocalDay(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - LOCAL_OFFSET_MS);
}

/** YYYY-MM-DD plus n days. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** SQL for the local day of a timestamptz column (same rule as localDay). */
export const SQL_LOCAL_DAY = (col: string) => `((${col} AT TIME ZONE 'UTC') + interval '7 hours')::date`;
