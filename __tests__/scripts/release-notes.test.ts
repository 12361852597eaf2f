import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import * as path from 'node:path'

import { ROOT } from '../helpers/repo'
const version = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string

function notes(tag: string) {
  return spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'release-notes.mjs'), tag], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, GITHUB_REPOSITORY: 'acme/s3-cloudfront-deploy' }
  })
}

test("the release notes give dist/index.js's SHA-256, the CHANGELOG section and how to use it", () => {
  const run = notes(`v${version}`)
  expect([run.status, run.stderr]).toEqual([0, ''])
  const sha256 = createHash('sha256')
    .update(readFileSync(path.join(ROOT, 'dist', 'index.js')))
    .digest('hex')
  expect(run.stdout).toContain(`\`dist/index.js\` SHA-256: \`${sha256}\``)
  const changelog = readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8')
  // Up to the next version's heading, or the link definitions at the end.
  const section = new RegExp(
    `## \\[${version.replace(/\./g, '\\.')}\\] - [^\\n]*\\n([\\s\\S]*?)(?=\\n## |\\n\\[[^\\]]+\\]: )`
  )
  const expected = section.exec(changelog)?.[1]?.trim()
  expect(expected).toBeTruthy()
  expect(run.stdout.startsWith(expected!)).toBe(true)
  expect(run.stdout).not.toContain('## [Unreleased]')
  expect(run.stdout).toContain(`uses: acme/s3-cloudfront-deploy@v${version}`)
  expect(run.stdout).toContain(`npx --yes s3-cloudfront-deploy@${version} --help`)
})

test("a tag that is not package.json's version is refused", () => {
  const run = notes('v0.0.1')
  expect(run.status).toBe(1)
  expect(run.stderr).toContain(`Tag 'v0.0.1' is not package.json's version v${version}`)
  expect(run.stdout).toBe('')
})
