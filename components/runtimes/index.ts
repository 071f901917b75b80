export * from "./go-lambda-function";
