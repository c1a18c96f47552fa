import { spawn } from 'node:child_process';
import { REPO_ROOT } from './server-process';

/**
 * `storybook build` (the CI command) into `outDir`; resolves with its output. `env` adds variables
 * the stories read at build time (`STORYBOOK_HOLDFAST_CHAOS_URL`: the Playground's chaos sidecar).
 */
export function buildStorybook(outDir: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['node_modules/storybook/dist/bin/dispatcher.js', 'build', '--quiet', '--output-dir', outDir],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1', NODE_ENV: 'production', ...env },
      },
    );
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.once('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`storybook build failed:\n${output}`)),
    );
  });
}
