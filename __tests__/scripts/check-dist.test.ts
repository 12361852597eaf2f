import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { staleDist } from '../../scripts/check-dist.cjs'
import { readRepoFile } from '../helpers/repo'
import { builtFrom, digestLine, sourceDigest } from '../../scripts/source-digest.cjs'

/** A project tree with the files the digest reads, and a bundle built from `builtWith`. */
function project(builtWith?: (root: string) => string): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'check-dist-'))
  for (const dir of ['src/plan', 'scripts', 'dist'])
    mkdirSync(path.join(root, dir), { recursive: true })
  const files: Record<string, string> = {
    'src/main.ts': 'export const a = 1\n',
    'src/plan/diff.ts': 'export const b = 2\n',
    'tsconfig.json': '{}',
    'scripts/bundle.mjs': '// bundle'
  }
  for (const [rel, text] of Object.entries(files)) writeFileSync(path.join(root, rel), text)
  if (builtWith) {
    writeFileSync(
      path.join(root, 'dist/index.js'),
      `#!/usr/bin/env node\n${digestLine(builtWith(root))}\nvar x = 1\n`
    )
  }
  return root
}

test('a bundle built from the sources as they are passes', () => {
  const root = project(sourceDigest)
  expect(staleDist(root)).toBeUndefined()
})

test('an edit to any file under src/ (or a new one) after bundling is caught', () => {
  const root = project(sourceDigest)
  writeFileSync(path.join(root, 'src/plan/diff.ts'), 'export const b = 3\n')
  expect(staleDist(root)).toMatch(/built from other sources .* run npm run bundle/)
  const again = project(sourceDigest)
  writeFileSync(path.join(again, 'src/plan/new.ts'), 'export {}\n')
  expect(staleDist(again)).toMatch(/run npm run bundle/)
})

test('a missing bundle, or one that does not say what it was built from, is caught', () => {
  expect(staleDist(project())).toMatch(/dist\/index.js is missing/)
  const root = project(sourceDigest)
  writeFileSync(path.join(root, 'dist/index.js'), '#!/usr/bin/env node\nvar x = 1\n')
  expect(staleDist(root)).toMatch(/does not say what it was built from/)
})

test('line endings do not count: a CRLF checkout has the same digest', () => {
  const root = project()
  const lf = sourceDigest(root)
  writeFileSync(path.join(root, 'src/main.ts'), 'export const a = 1\r\n')
  expect(sourceDigest(root)).toBe(lf)
})

test('the committed bundle says what it was built from, on its second line', () => {
  const bundle = readRepoFile('dist/index.js')
  expect(bundle.split('\n')[0]).toBe('#!/usr/bin/env node')
  expect(builtFrom(bundle.split('\n')[1] ?? '')).toMatch(/^[0-9a-f]{64}$/)
})
