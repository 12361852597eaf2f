// What dist/index.js is built from, as one digest: scripts/bundle.mjs writes it into the bundle,
// and scripts/check-dist.cjs (npm test's pretest, and the end-to-end helpers) compares it with
// the sources as they are, so tests never run a bundle that src/ has moved on from.
'use strict'
const { createHash } = require('node:crypto')
const { readdirSync, readFileSync } = require('node:fs')
const path = require('node:path')

/**
 * Besides src/: how it is built. Dependencies are left out (a devDependency bump must not make
 * every bundle stale); CI's check-dist rebuilds the bundle and catches what they change.
 */
const INPUTS = ['tsconfig.json', 'scripts/bundle.mjs']

/** Files under `dir` (relative to `root`, '/'-separated), sorted. */
function filesUnder(root, dir) {
  const out = []
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`
    if (entry.isDirectory()) out.push(...filesUnder(root, rel))
    else if (entry.isFile()) out.push(rel)
  }
  return out.sort()
}

/** sha256 of every source file's path and text (line endings as Git stores them). */
function sourceDigest(root) {
  const hash = createHash('sha256')
  for (const rel of [...filesUnder(root, 'src'), ...INPUTS]) {
    const text = readFileSync(path.join(root, rel), 'utf8').replace(/\r\n/g, '\n')
    hash.update(`${rel}\0${text}\0`)
  }
  return hash.digest('hex')
}

const LINE = '// Built by npm run bundle from sources with digest '

/** The line bundle.mjs writes under the shebang. */
function digestLine(digest) {
  return `${LINE}${digest} (scripts/source-digest.cjs).`
}

/** The digest a bundle was built from, or undefined for a bundle without one. */
function builtFrom(bundleText) {
  const start = bundleText.indexOf(LINE)
  if (start === -1 || start > 200) return undefined
  return /^[0-9a-f]{64}/.exec(bundleText.slice(start + LINE.length))?.[0]
}

module.exports = { sourceDigest, digestLine, builtFrom }
