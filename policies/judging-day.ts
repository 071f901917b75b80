/**
 * The day the dated-table rules (Go versions, Kubernetes versions) judge for: the
 * `asOf` every such rule takes in its config, and its schema.
 */
import type { ReportViolation } from "@pulumi/policy";
import { toDay } from "../components/days";

export const asOfSchema = { type: "string" as const, pattern: "^\\d{4}-\\d{2}-\\d{2}$", description: "Judge as of this day (YYYY-MM-DD); default today." };

/** The config's `asOf` as a day (today when unset); a day that does not exist is reported, and nothing judged. */
export function judgingDay(asOf: string | undefined, report: ReportViolation): string | undefined {
  try {
    return toDay(asOf ?? new Date(), "asOf");
  } catch (e) {
    report(`policy config asOf ${JSON.stringify(asOf)}: ${e instanceof Error ? e.message : String(e)}.`);
    return undefined;
  }
}
