import { createRequire } from 'node:module'
import { setFlagsFromString } from 'node:v8'
import { runInThisContext } from 'node:vm'
import type { execute as Execute } from './execute'

/** In dist/index.js: the AWS half of the action, bundled on its own, as text (scripts/bundle.mjs). */
declare const __S3CFD_EXECUTE__: string | undefined

/**
 * The AWS half of the action (src/execute.ts: the SDK, the deploy). dist/index.js carries it as
 * a string that is compiled only here, when a deploy needs it: `--help`, `--version` and an input
 * error never even parse the SDK, so they start about as fast as bare Node. It stays one file.
 */
export function loadExecute(): typeof Execute {
  // V8 11 (Node 20) optimizes a function once it has run for a while (on other threads, which
  // count as the job's CPU). A deploy runs the SDK's many small functions per request just long
  // enough to pay for optimizing them and too briefly to win it back: waiting about 15 times
  // longer (the default is 66 KB of bytecode run) cut a first deploy's CPU by about a fifth in
  // `npm run bench`. A long deploy is still optimized. V8 12 and later (Node 22, 24) tier up
  // through Maglev and no longer have this flag (setting it would print an error): left alone.
  if (Number(process.versions.v8.split('.')[0]) < 12) {
    setFlagsFromString('--interrupt-budget=1000000')
  }
  if (typeof __S3CFD_EXECUTE__ === 'string') {
    // The wrapper Node itself gives a CommonJS module.
    const wrapper = runInThisContext(
      `(function (exports, require, module, __filename, __dirname) {${__S3CFD_EXECUTE__}\n})`,
      { filename: `${__filename} (execute)` }
    ) as (...args: unknown[]) => void
    const module = { exports: {} as { execute?: typeof Execute } }
    wrapper(module.exports, createRequire(__filename), module, __filename, __dirname)
    if (!module.exports.execute)
      throw new Error('dist/index.js is damaged: rebuild it (npm run bundle)')
    return module.exports.execute
  }
  // From the sources (the tests): an ordinary module. Hidden from the bundler, which must not
  // inline it into the light half.
  const load = eval('require') as NodeRequire
  return (load('./execute') as typeof import('./execute')).execute
}
