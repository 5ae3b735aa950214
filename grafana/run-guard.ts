/**
 * `npx tap grafana` runs every file under grafana/ as a test file, programs included. A program calls
 * this first: under the tap runner it prints an empty TAP plan (a skip) instead of serving forever or
 * rewriting files while the tests read them. Tests that start a program on purpose drop TAP_CHILD_ID.
 */
export function skippedUnderTap(program: string): boolean {
  if (process.env.TAP_CHILD_ID === undefined) return false;
  process.stdout.write(`1..0 # ${program} is a program, not a test\n`);
  return true;
}
