/**
 * Where each policy is explained for the person who meets its finding: the policy's
 * row in README.md's "Policy catalog" (anchor `policy-<name>`), on the repository's
 * front page. tests/policies/metadata.test.ts checks every anchor exists.
 */
export const REPOSITORY_URL = "https://github.com/goplatform/goplatform";

/** The README anchor of the policy called `name`. */
export function policyDocsUrl(name: string): string {
  return `${REPOSITORY_URL}#policy-${name}`;
}
