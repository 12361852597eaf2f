#!/usr/bin/env node
// The GitHub release's notes for tag vX.Y.Z (release.yml): the CHANGELOG section of X.Y.Z, the
// SHA-256 of dist/index.js (the one file that runs), and how to use this version. Refuses a tag
// that is not package.json's version, or a version without its CHANGELOG section.
//
//   node scripts/release-notes.mjs v1.2.3 > notes.md
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const read = file => readFileSync(path.join(root, file))

function fail(message) {
  console.error(message)
  process.exit(1)
}

const tag = process.argv[2] ?? ''
const { name, version } = JSON.parse(read('package.json').toString('utf8'))
if (tag !== `v${version}`)
  fail(
    `Tag '${tag}' is not package.json's version v${version}: bump the version, or tag v${version}.`
  )

const changelog = read('CHANGELOG.md').toString('utf8').split('\n')
const start = changelog.findIndex(line => line.startsWith(`## [${version}] - `))
if (start < 0) fail(`CHANGELOG.md has no '## [${version}] - YYYY-MM-DD' section: add one.`)
let end = changelog.findIndex((line, i) => i > start && line.startsWith('## ['))
if (end < 0) end = changelog.findIndex((line, i) => i > start && /^\[[^\]]+\]: /.test(line))
const section = changelog
  .slice(start + 1, end < 0 ? undefined : end)
  .join('\n')
  .trim()
if (section === '') fail(`CHANGELOG.md's section for ${version} is empty.`)

const sha256 = createHash('sha256').update(read('dist/index.js')).digest('hex')
const repository = process.env.GITHUB_REPOSITORY ?? `OWNER/${name}`

process.stdout.write(`${section}

## Verify

\`dist/index.js\` SHA-256: \`${sha256}\`

It is attached below as \`${name}.js\`, with \`${name}.js.sha256\` for
\`sha256sum -c\`. The npm package \`${name}@${version}\` holds the same file and is published
with provenance.

## Use this version

- GitHub Actions: \`uses: ${repository}@${tag}\` (or \`@${tag.split('.')[0]}\` for every ${tag.split('.')[0]}.x)
- GitLab CI/CD component: \`deploy@${version}\`
- Any CI: \`npx --yes ${name}@${version} --help\`
`)
