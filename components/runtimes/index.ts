export * from "./go-lambda-function";
export * from "./go-cloud-run-service";
