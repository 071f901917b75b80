// The policy pack the Pulumi CLI runs: `pulumi preview --policy-pack policies`.
import { PolicyPack } from "@pulumi/policy";
import { goplatformPolicies } from "./catalog";

new PolicyPack("goplatform", {
  policies: [...goplatformPolicies],
});
