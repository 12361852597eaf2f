import { createRequire } from 'node:module'
import { setFlagsFromString } from 'node:v8'
import { runInThisContext } from 'node:vm'
import type { runAwsHalf } from './aws-half'

/** In dist/index.js: the AWS half of the action, bundled on its own, as text (scripts/bundle.mjs). */
declare const __S3CFD_AWS_HALF__: string | undefined

/**
 * The AWS half of the action (src/aws-half.ts: the SDK, the deploy). dist/index.js carries it as
 * a string that is compiled only here, when a deploy needs it: `--help`, `--version` and an input
 * error never even parse the SDK, so they start about as fast as bare Node. It stays one file.
 */
export function loadAwsHalf(): typeof runAwsHalf {
  // Node 20's V8 optimizes the SDK's many small functions just long enough into a deploy to pay
  // for it and not win it back; a later tier-up costs less CPU (`npm run bench`). Newer V8s
  // lack the flag and would print an error.
  if (Number(process.versions.v8.split('.')[0]) < 12) {
    setFlagsFromString('--interrupt-budget=1000000')
  }
  if (typeof __S3CFD_AWS_HALF__ === 'string') {
    // The wrapper Node itself gives a CommonJS module.
    const wrapper = runInThisContext(
      `(function (exports, require, module, __filename, __dirname) {${__S3CFD_AWS_HALF__}\n})`,
      { filename: `${__filename} (aws-half)` }
    ) as (...args: unknown[]) => void
    const module = { exports: {} as { runAwsHalf?: typeof runAwsHalf } }
    wrapper(module.exports, createRequire(__filename), module, __filename, __dirname)
    if (!module.exports.runAwsHalf)
      throw new Error('dist/index.js is damaged: rebuild it (npm run bundle)')
    return module.exports.runAwsHalf
  }
  // From the sources (the tests): an ordinary module. Hidden from the bundler, which must not
  // inline it into the light half.
  const load = eval('require') as NodeRequire
  return (load('./aws-half') as typeof import('./aws-half')).runAwsHalf
}
