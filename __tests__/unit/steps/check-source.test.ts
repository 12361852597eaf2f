/**
 * The source, checked in two steps: checkSource before any request (a file in scope exists),
 * listSource beside the bucket's first reads and before any file is hashed (the whole walk).
 * Each refusal is an input error naming what to change. No client exists here; deploy.test.ts
 * checks that a deploy refused by checkSource sends no request.
 */
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { checkSource, listSource } from '../../../src/steps/check-source'
import { InputError } from '../../../src/config/input-error'
import { createFilter } from '../../../src/plan/filter'
import { baseConfig } from '../../helpers/fixtures'
import { makeSite } from '../../helpers/site'

const SITE = {
  'index.html': 'home',
  'about/index.html': 'about',
  'css/site.css': 'css',
  'README.md': 'readme'
}

/** The config around `site` with these include/exclude globs, as parseConfig builds it. */
function filtered(source: string, include: string[], exclude: string[] = []) {
  return baseConfig(source, {
    inScope: createFilter(include.join('\n'), exclude.join('\n')),
    filters: { include, exclude }
  })
}

test('listSource: the files in scope, sorted, and how many the filters left out', async () => {
  const source = await makeSite(SITE)
  const listing = await listSource(filtered(source, [], ['*.md']))
  expect(listing.files).toEqual(['about/index.html', 'css/site.css', 'index.html'])
  expect(listing.excluded).toBe(1)
})

test('checkSource stops at the first file in scope: a folder it need not open is not read', async () => {
  const source = await makeSite(SITE)
  // Only a whole walk opens 'menu', and finds a name there that has no S3 key.
  await mkdir(path.join(source, 'menu'))
  await writeFile(Buffer.from(`${source}/menu/caf\xe9.html`, 'latin1'), 'latin-1')
  await expect(checkSource(baseConfig(source))).resolves.toBeUndefined()
  await expect(listSource(baseConfig(source))).rejects.toThrow(
    "Input 'source' has 1 name that is not valid UTF-8"
  )
  // With nothing else in scope, the walk goes everywhere, and says so first.
  await expect(checkSource(filtered(source, ['menu/**']))).rejects.toThrow(
    "Input 'source' has 1 name that is not valid UTF-8"
  )
})

test.each<[string, string[], string[], RegExp]>([
  [
    'an include that matches no file (a typo)',
    ['['],
    [],
    /^Input 'include' leaves nothing to deploy: 0 of 4 file\(s\) in '\S+' match include '\['\. Nothing was changed\./
  ],
  [
    'an include anchored where no file is',
    ['/about.html', 'blog/**'],
    [],
    /^Input 'include' leaves nothing to deploy: 0 of 4 file\(s\) in '\S+' match include '\/about\.html', 'blog\/\*\*'\./
  ],
  [
    'an exclude that matches every file',
    [],
    ['**'],
    /^Input 'exclude' leaves nothing to deploy: exclude '\*\*' matches all 4 file\(s\) in '\S+'\./
  ],
  [
    'an include and an exclude that leave nothing together',
    ['*.html'],
    ['index.html'],
    /^Inputs 'include' and 'exclude' leave nothing to deploy: 2 of 4 file\(s\) in '\S+' match include '\*\.html', and exclude 'index\.html' leaves out every one of them\./
  ]
])(
  '%s: refused as an input error, naming the filters and the counts',
  async (_, include, exclude, message) => {
    const source = await makeSite(SITE)
    for (const check of [checkSource, listSource]) {
      const refused = check(filtered(source, include, exclude))
      await expect(refused).rejects.toBeInstanceOf(InputError)
      await expect(refused).rejects.toThrow(message)
    }
  }
)

test('an empty folder, or a missing one, is refused as before', async () => {
  const parent = await mkdtemp(path.join(os.tmpdir(), 'check-'))
  await mkdir(path.join(parent, 'empty'))
  await expect(checkSource(baseConfig(path.join(parent, 'empty')))).rejects.toThrow(
    "Input 'source' is an empty folder"
  )
  await expect(checkSource(baseConfig(path.join(parent, 'nope')))).rejects.toThrow(
    "Input 'source' must be an existing folder"
  )
})

test('listSource: a file at the state object or lease key, a link out with outside-symlinks: fail, a key over 1,024 bytes', async () => {
  const source = await makeSite(SITE)
  await writeFile(path.join(source, '.s3-cloudfront-deploy.lock'), 'mine')
  await expect(listSource(baseConfig(source))).rejects.toThrow(
    "Input 'manifest-key': the source has a file '.s3-cloudfront-deploy.lock' at s3://bucket/.s3-cloudfront-deploy.lock, which is the action's own lease object."
  )

  const linked = await makeSite(SITE)
  const outside = await mkdtemp(path.join(os.tmpdir(), 'outside-'))
  await symlink(outside, path.join(linked, 'etc'))
  await expect(listSource(baseConfig(linked, { outsideSymlinks: 'fail' }))).rejects.toThrow(
    /^Symbolic link 'etc' leads outside the source, to .*; outside-symlinks is 'fail'\./
  )
  await expect(listSource(baseConfig(linked))).resolves.toMatchObject({
    skippedLinks: [{ relPath: 'etc', kind: 'outside' }]
  })

  const deep = await makeSite(SITE)
  const folders = `${'d'.repeat(250)}/`.repeat(4)
  await mkdir(path.join(deep, folders), { recursive: true })
  await writeFile(path.join(deep, folders, 'a-page-with-a-long-name.html'), 'deep')
  await expect(listSource(baseConfig(deep, { prefix: 'site/' }))).rejects.toThrow(
    /^Input 'source' has 1 file\(s\) whose S3 key would be longer than the 1,024 bytes S3 allows/
  )
})

test('listSource with precompressed checks the keys that are published: a sibling is read, never written', async () => {
  // 'x…x.js' fits S3's 1,024-byte key; its sibling 'x…x.js.gz' would not, but is never a key.
  const long = `${`${'d'.repeat(250)}/`.repeat(4)}abcdefghijklmno.js`
  expect([Buffer.byteLength(long), Buffer.byteLength(`${long}.gz`)]).toEqual([1022, 1025])
  const source = await makeSite({ [long]: 'js', [`${long}.gz`]: 'gz', state: 's', 'state.gz': 'g' })
  const config = (precompressed: boolean) =>
    baseConfig(source, {
      manifestKey: 'state.gz',
      compression: { rules: [], precompressed }
    })
  await expect(listSource(config(true))).resolves.toMatchObject({ files: expect.any(Array) })
  // Without it, the siblings are files like any other, and are refused.
  await expect(listSource(config(false))).rejects.toThrow(InputError)
})
