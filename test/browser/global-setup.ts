import { buildFixture } from '../support/fixture-build';

/** Builds the browser test page once per run (cached in .cache/ while its inputs are unchanged). */
export default async function setup(): Promise<void> {
  await buildFixture();
}
