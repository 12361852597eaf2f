#!/usr/bin/env node
// npm run bundle: dist/index.js, one file that runs anywhere with Node 20+, in two halves.
//
// The light half (src/index.ts: inputs, --help, validation, the CI platform, outputs) is the
// code Node loads. The AWS half (src/aws-half.ts: the SDK, the deploy) is bundled on its own and
// embedded as a string, which src/load-aws-half.ts compiles only when a deploy needs it: `--help`
// and input errors then start about as fast as bare Node, instead of parsing 1.5 MB of SDK first.
// Both are built with @vercel/ncc (minified, licences collected), and the result is
// deterministic, so CI can check that dist/ is what src/ builds.
import { mkdir, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const require = createRequire(import.meta.url)
const ncc = require('@vercel/ncc')
const { digestLine, sourceDigest } = require('./source-digest.cjs')
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
// For profiling: `node scripts/bundle.mjs --unminified --out /tmp/prof` (readable stack frames).
const { values: opts } = parseArgs({
  options: { unminified: { type: 'boolean', default: false }, out: { type: 'string' } }
})
const dist = path.resolve(root, opts.out ?? 'dist')

const build = entry =>
  ncc(path.join(root, entry), {
    minify: !opts.unminified,
    license: 'licenses.txt',
    quiet: true,
    cache: false
  })

// What the bundle is built from (read before building), so npm test can tell a stale one.
const digest = sourceDigest(root)
const [light, heavy] = await Promise.all([build('src/index.ts'), build('src/aws-half.ts')])
for (const [name, out] of [
  ['src/index.ts', light],
  ['src/aws-half.ts', heavy]
]) {
  const extra = Object.keys(out.assets).filter(a => a !== 'licenses.txt')
  if (extra.length > 0) throw new Error(`${name} emitted assets one file cannot carry: ${extra}`)
}

const SHEBANG = '#!/usr/bin/env node\n'
const lightCode = light.code.startsWith(SHEBANG) ? light.code.slice(SHEBANG.length) : light.code
const code = `${SHEBANG}${digestLine(digest)}\nvar __S3CFD_AWS_HALF__ = ${JSON.stringify(heavy.code)};\n${lightCode}`

// One licence list: the union of both halves', each package once, sorted as ncc sorts them.
const licences = new Map()
for (const out of [light, heavy]) {
  for (const [name, block] of licenceBlocks(String(out.assets['licenses.txt'].source)))
    licences.set(name, block)
}
const licenceText = [...licences.keys()]
  .sort()
  .map(k => licences.get(k))
  .join('\n\n')

await mkdir(dist, { recursive: true })
await writeFile(path.join(dist, 'index.js'), code, { mode: 0o755 })
await writeFile(path.join(dist, 'licenses.txt'), licenceText)
const kib = n => `${(n / 1024).toFixed(0)} KiB`
console.log(
  `${path.relative(root, path.join(dist, 'index.js'))}: ${kib(Buffer.byteLength(code))} (light half ${kib(Buffer.byteLength(lightCode))}, AWS half ${kib(Buffer.byteLength(heavy.code))} as text)`
)

/**
 * ncc's licences.txt is `name\nLICENSE-TYPE\ntext` per package, joined with blank lines; a block
 * starts where a package name follows a blank line and a licence type follows it. Checked by
 * joining the blocks again: a list that does not come back whole stops the build.
 */
function licenceBlocks(text) {
  const lines = text.split('\n')
  const starts = lines
    .map((line, i) => i)
    .filter(
      i =>
        (i === 0 || lines[i - 1] === '') &&
        /^(@[\w.-]+\/)?[\w.-]+$/.test(lines[i]) &&
        /^[\w.+-]+( (OR|AND) [\w.+-]+)*$/.test(lines[i + 1] ?? '')
    )
  const blocks = starts.map((start, n) => {
    const end = n + 1 < starts.length ? starts[n + 1] - 1 : lines.length
    return [lines[start], lines.slice(start, end).join('\n')]
  })
  if (blocks.map(([, b]) => b).join('\n\n') !== text) {
    throw new Error('Could not split the licences ncc wrote; scripts/bundle.mjs needs a look')
  }
  return blocks
}
