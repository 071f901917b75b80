// The policy pack the Pulumi CLI runs: `pulumi preview --policy-pack policies`.
import { PolicyPack } from "@pulumi/policy";
import { goVersionPolicies } from "./go-versions";

new PolicyPack("goplatform", {
  policies: [...goVersionPolicies],
});
