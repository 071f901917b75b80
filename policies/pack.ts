// The policy pack the Pulumi CLI runs (policy-pack/ loads it): `pulumi preview --policy-pack policy-pack`.
import { PolicyPack } from "@pulumi/policy";
import { goplatformPolicies } from "./catalog";

new PolicyPack("goplatform", {
  policies: [...goplatformPolicies],
});
