import type * as v from 'valibot';

/**
 * The first issue of a failed parse as `path: message` (or just the message at the top level): enough
 * to tell what broke the protocol, and smaller in the client than valibot's `summarize`.
 */
export function firstIssue(issues: readonly [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]]): string {
  const [issue] = issues;
  const path = issue.path?.map((item) => item.key).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}
