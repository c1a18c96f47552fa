/**
 * `npm run bench [-- <group>…] [--trials N]`: runs the bench groups (all by default), merges their
 * figures into bench/results.json (keeping other groups' figures) and rewrites bench/results.md.
 * Run it under the browser lock: `flock /tmp/hf-browser.lock npm run bench`.
 */
import { GROUPS } from './groups';
import { type MetricResult, mergeResults, renderMarkdown } from './lib/results';

function parseArgs(argv: string[]): { groups: string[]; trials: number } {
  const groups: string[] = [];
  let trials = 10;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--trials') trials = Number(argv[++i]);
    else if (arg.startsWith('--trials=')) trials = Number(arg.slice('--trials='.length));
    else if (arg === '--help' || arg === '-h') {
      console.log(`usage: bench/run.ts [group…] [--trials N]\ngroups: ${Object.keys(GROUPS).join(', ')}`);
      process.exit(0);
    } else groups.push(arg);
  }
  if (!Number.isInteger(trials) || trials < 1) throw new Error('--trials must be a positive integer');
  for (const name of groups) {
    if (!(name in GROUPS))
      throw new Error(`unknown bench group "${name}" (known: ${Object.keys(GROUPS).join(', ')})`);
  }
  return { groups: groups.length ? groups : Object.keys(GROUPS), trials };
}

async function main(): Promise<void> {
  const { groups, trials } = parseArgs(process.argv.slice(2));
  const measured: MetricResult[] = [];
  for (const name of groups) {
    const load = GROUPS[name];
    if (!load) continue;
    const group = await load();
    const log = (line: string) => console.error(`[bench:${name}] ${line}`);
    log(`start (${trials} trials per case)`);
    measured.push(...(await group.run({ trials, log })));
    // Merge after each group so a later failure keeps what was measured.
    mergeResults(measured);
  }
  const file = mergeResults(measured);
  console.log(renderMarkdown(file));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
