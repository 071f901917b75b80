export * from "./go-runtime-alerts";
