#!/usr/bin/env node
// `npm test` runs this first (pretest): the end-to-end tests run dist/index.js, so a bundle built
// from other sources than src/ as it is would test old code. It fails, rather than rebuilding:
// a rebuild takes half a minute of CPU on every run and would rewrite a committed file as a side
// effect of testing; `npm run bundle` is the one command that writes dist/.
'use strict'
const { readFileSync } = require('node:fs')
const path = require('node:path')
const { builtFrom, sourceDigest } = require('./source-digest.cjs')

/** Undefined when dist/index.js was built from the sources under `root`, else what is wrong. */
function staleDist(root) {
  let bundle
  try {
    bundle = readFileSync(path.join(root, 'dist', 'index.js'), 'utf8')
  } catch {
    return 'dist/index.js is missing: run npm run bundle.'
  }
  const built = builtFrom(bundle)
  if (built === sourceDigest(root)) return undefined
  return built === undefined
    ? 'dist/index.js does not say what it was built from: run npm run bundle.'
    : 'dist/index.js was built from other sources than src/ as it is now (or tsconfig.json, scripts/bundle.mjs): run npm run bundle, and commit dist/ with src/.'
}

module.exports = { staleDist }

if (require.main === module) {
  const problem = staleDist(path.resolve(__dirname, '..'))
  if (problem) {
    process.stderr.write(`${problem}\n`)
    process.exit(1)
  }
}
