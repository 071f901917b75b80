/**
 * Days as the dated tables (Go releases, Kubernetes support calendars) use them: UTC
 * `YYYY-MM-DD` strings, which compare and sort as text.
 */

import { ArgumentError, isPending } from "./args";

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** Normalises a Date or `YYYY-MM-DD` string to a UTC day string; names the argument on error. */
export function toDay(date: Date | string, argument = "date"): string {
  if (date instanceof Date) {
    if (Number.isNaN(date.getTime())) {
      throw new RangeError(`${argument}: invalid Date; expected a valid Date or a YYYY-MM-DD string`);
    }
    return date.toISOString().slice(0, 10);
  }
  if (!DAY_PATTERN.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)) || new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date) {
    throw new RangeError(`${argument}: invalid date ${JSON.stringify(date)}; expected a YYYY-MM-DD string such as "2026-11-23"`);
  }
  return date;
}

/** Whole days from `from` to `to` (negative when `to` is earlier); both `YYYY-MM-DD`. */
export function daysBetween(from: string, to: string): number {
  return Math.floor((Date.parse(`${toDay(to)}T00:00:00Z`) - Date.parse(`${toDay(from)}T00:00:00Z`)) / DAY_MS);
}

/** Days a dated table may lag the judging day before goplatform refuses to judge with it. */
export const MAX_TABLE_AGE_DAYS = 90;

/**
 * The judging day (YYYY-MM-DD) a component's `asOf` names: today when it is not given.
 * `coversFrom` is the first day the dated table the day is for can judge.
 */
export function checkAsOf(component: string, value: unknown, argument = "asOf", coversFrom?: string): string {
  if (isPending(value)) throw new ArgumentError(component, argument, value, "expected a day known when the component is created (it picks the defaults), such as \"2026-12-02\"");
  let day: string;
  try {
    if (value !== undefined && typeof value !== "string") throw new RangeError("not a day");
    day = toDay(value ?? new Date(), argument);
  } catch {
    throw new ArgumentError(component, argument, value, 'expected a day as YYYY-MM-DD, such as "2026-12-02"');
  }
  if (coversFrom !== undefined && day < coversFrom) throw new ArgumentError(component, argument, value, `expected a day from ${coversFrom}, the first day goplatform's table judges`);
  return day;
}
