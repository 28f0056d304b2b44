/**
 * Whether a user's choice of planner, pass or strategy names a module file rather than a built-in: it contains `/` or
 * `\`, or ends in `.js`/`.ts` and kin.
 */
export function isModulePath(text: string): boolean {
  return /[\\/]|\.(c|m)?[jt]s$/.test(text);
}
