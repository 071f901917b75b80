// goplatform/policies: the policy pack's policies, for use outside the pack (tests, custom packs).
export * from "./go-versions";
export * from "./check";
