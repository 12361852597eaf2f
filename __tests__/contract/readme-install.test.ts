import { readdirSync } from 'node:fs'
import * as path from 'node:path'
import { allExamples } from '../helpers/examples'
import { readRepoFile as read, ROOT } from '../helpers/repo'

const readme = read('README.md')
const DOCS = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs')).map(f => `docs/${f}`),
  ...allExamples().map(f => `examples/${f}`),
  'CHANGELOG.md',
  'SECURITY.md',
  'CONTRIBUTING.md',
  'templates/deploy.yml'
]

/** Node.js lines that are LTS and still supported (2026-11): 22 and 24. */
const SUPPORTED_NODE = ['22', '24']

describe('the README for a new user', () => {
  test('one placeholder, OWNER, wherever the repository is named', () => {
    const owners: string[] = []
    for (const file of DOCS) {
      const re = /(?:github\.com\/|uses:\s*|\$CI_SERVER_FQDN\/)([^/\s`]+)\/s3-cloudfront-deploy\b/g
      for (const m of read(file).matchAll(re)) owners.push(`${file}: ${m[1]}`)
    }
    expect(owners.length).toBeGreaterThan(8)
    expect(owners.filter(o => !o.endsWith(': OWNER'))).toEqual([])
  })

  test('examples run on a supported Node.js LTS', () => {
    const text = DOCS.map(read).join('\n')
    const versions = [
      ...[...text.matchAll(/image: node:(\d+)/g)].map(m => m[1]),
      ...[...text.matchAll(/node-version: (\d+)/g)].map(m => m[1])
    ]
    expect(versions.length).toBeGreaterThan(3)
    for (const v of versions) expect(SUPPORTED_NODE).toContain(v)
  })

  test('Install lists the three ways: uses:, the GitLab component, npx or the vendored file', () => {
    const install = /\n## Install\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? ''
    expect(install).toContain('`uses: OWNER/s3-cloudfront-deploy@v1`')
    expect(install).toContain('`$CI_SERVER_FQDN/OWNER/s3-cloudfront-deploy/deploy@1.0.0`')
    expect(install).toMatch(/npx --yes s3-cloudfront-deploy@1 --bucket/)
    expect(install).toContain('vendored')
  })
})
