/**
 * The README and docs/: short enough to read, every page reachable, every relative link and
 * anchor resolving, and the example pipelines they show valid and the ones under examples/.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import * as path from 'node:path'
import { INPUT_SPECS } from '../../src/config/inputs'
import { allExamples, example } from '../helpers/examples'
import { readRepoFile, ROOT } from '../helpers/repo'

const PAGES = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter(f => f.endsWith('.md'))
    .map(f => `docs/${f}`)
]

/** Markdown without its fenced code blocks, where a `#` line is no heading. */
const withoutFences = (markdown: string) => markdown.replace(/^```[\s\S]*?^```$/gm, '')

/** Markdown without code, where a link is no link. */
const prose = (markdown: string) => withoutFences(markdown).replace(/`[^`\n]*`/g, '')

/** `[text](target)` links of a page, as written. */
function links(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(([^)\s]+)\)/g)].map(m => m[1]!)
}

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces to `-`. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>()
  const out = new Set<string>()
  for (const [, heading] of withoutFences(markdown).matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = heading!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
      .replace(/ /g, '-')
    const n = seen.get(slug) ?? 0
    seen.set(slug, n + 1)
    out.add(n === 0 ? slug : `${slug}-${n}`)
  }
  return out
}

test('the README is at most 20 KB; the depth is in docs/', () => {
  expect(Buffer.byteLength(readRepoFile('README.md'))).toBeLessThanOrEqual(20_000)
})

test('every page of docs/ is linked from the README', () => {
  const fromReadme = new Set(links(readRepoFile('README.md')).map(l => l.split('#')[0]))
  expect(PAGES.filter(p => p !== 'README.md' && !fromReadme.has(p))).toEqual([])
})

test('every relative link of the README and docs/ leads to a file, and every anchor to a heading', () => {
  const broken: string[] = []
  for (const page of PAGES) {
    for (const link of links(readRepoFile(page))) {
      if (/^[a-z]+:/i.test(link)) continue // https:, mailto:
      const [file, anchor] = link.split('#') as [string, string | undefined]
      const target =
        file === '' ? page : path.posix.normalize(path.posix.join(path.posix.dirname(page), file))
      if (!existsSync(path.join(ROOT, target))) {
        broken.push(`${page}: ${link} (no ${target})`)
        continue
      }
      if (anchor === undefined) continue
      if (!target.endsWith('.md') || statSync(path.join(ROOT, target)).isDirectory()) {
        broken.push(`${page}: ${link} (an anchor into ${target})`)
      } else if (!anchors(readRepoFile(target)).has(anchor)) {
        broken.push(`${page}: ${link} (no heading '${anchor}' in ${target})`)
      }
    }
  }
  expect(broken).toEqual([])
})

test('the link check sees what it should: anchors as GitHub makes them, links outside code', () => {
  expect(anchors('## Deploys at the same time (the lock)\n## `dry-run`\n## A\n## A')).toEqual(
    new Set(['deploys-at-the-same-time-the-lock', 'dry-run', 'a', 'a-1'])
  )
  expect(links('[a](x.md) `[b](y.md)`\n```\n[c](z.md)\n```\n[d](#e)')).toEqual(['x.md', '#e'])
})

describe('the example pipelines under examples/', () => {
  const files = allExamples()

  test('are the ones the docs show: each is copied into a page by npm run generate', () => {
    const shown = PAGES.flatMap(p =>
      [...readRepoFile(p).matchAll(/BEGIN GENERATED example:examples\/(\S+) -->/g)].map(m => m[1])
    )
    expect([...new Set(shown)].sort()).toEqual(files)
  })

  test.each(files)('%s: a step of this action gets only its inputs', file => {
    const { yaml } = example(file)
    const steps: { uses?: string; with?: Record<string, unknown> }[] = file.startsWith('recipes/')
      ? yaml
      : Object.values(yaml.jobs ?? {}).flatMap((job: any) => job.steps ?? [])
    const names = new Set(INPUT_SPECS.map(i => i.name))
    for (const step of steps.filter(s => s.uses?.startsWith('OWNER/s3-cloudfront-deploy@'))) {
      expect(Object.keys(step.with ?? {}).filter(k => !names.has(k))).toEqual([])
    }
  })

  test.each(files.filter(f => f.startsWith('github/')))(
    '%s is valid by the workflow schema',
    file => {
      const validator = path.join(ROOT, 'node_modules', '.bin', 'action-validator')
      const run = spawnSync(validator, [path.join(ROOT, 'examples', file)], { encoding: 'utf8' })
      expect([run.status, `${run.stdout}${run.stderr}`]).toEqual([0, ''])
    }
  )
})
