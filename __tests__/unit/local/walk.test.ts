import { mkdtemp, mkdir, readdir, readFile, realpath, symlink, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { absolutePath, insideOf, listInScope, walkSource } from '../../../src/local/walk'
import { makeSite } from '../../helpers/site'
import { testOn } from '../../helpers/platforms'

/** Names as bytes: macOS volumes refuse a name that is not UTF-8, and Windows names are UTF-16. */
const withByteNames = testOn('linux')

/** When set, the walk sees real paths through it (a source mounted elsewhere). */
let mockRealPaths: ((real: string) => string) | undefined
jest.mock('node:fs/promises', () => {
  const actual = jest.requireActual('node:fs/promises')
  const realpath = async (p: string) => {
    const real = await actual.realpath(p)
    return mockRealPaths ? mockRealPaths(real) : real
  }
  return { ...actual, realpath }
})

describe('walkSource', () => {
  test('every file, with /-separated relative paths, sorted', async () => {
    const root = await makeSite({
      'b.txt': 'b',
      'a/c/d.txt': 'd',
      'a/b.txt': 'x',
      '.well-known/x': 'y'
    })
    const { files } = await walkSource(root)
    expect(files).toEqual(['.well-known/x', 'a/b.txt', 'a/c/d.txt', 'b.txt'])
    expect(absolutePath(root, files[1]!)).toBe(path.join(root, 'a', 'b.txt'))
  })

  test('links inside the source are followed; links outside, broken links and loops are skipped', async () => {
    const outside = await mkdtemp(path.join(os.tmpdir(), 'outside-'))
    await writeFile(path.join(outside, 'secret.txt'), 'private')
    const root = await makeSite({ 'real/page.html': 'p', 'real/deep/a.css': 'a' })
    await symlink(path.join(root, 'real', 'page.html'), path.join(root, 'alias.html'))
    await symlink(path.join(root, 'real'), path.join(root, 'mirror'))
    await symlink(path.join(outside, 'secret.txt'), path.join(root, 'leak.txt'))
    await symlink(outside, path.join(root, 'leakdir'))
    await symlink(path.join(root, 'missing'), path.join(root, 'broken'))
    await symlink(root, path.join(root, 'real', 'loop'))

    const { files, skippedLinks } = await walkSource(root)
    expect(files).toEqual([
      'alias.html',
      'mirror/deep/a.css',
      'mirror/page.html',
      'real/deep/a.css',
      'real/page.html'
    ])
    expect(skippedLinks.map(s => s.relPath).sort()).toEqual([
      'broken',
      'leak.txt',
      'leakdir',
      'mirror/loop',
      'real/loop'
    ])
    expect(skippedLinks.find(s => s.relPath === 'leak.txt')!.reason).toContain('outside the source')
  })

  withByteNames(
    'a name that is not UTF-8 is reported by its folder and bytes, and never walked into',
    async () => {
      const root = await makeSite({ 'index.html': 'home', 'menu/a.html': 'a' })
      // Latin-1 names, as unpacked from an old archive; a real U+FFFD in a UTF-8 name is fine.
      const bytesPath = (...parts: (string | number[])[]) =>
        Buffer.concat(parts.map(p => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))))
      await writeFile(bytesPath(root, '/menu/caf', [0xe9], '.html'), 'x')
      await mkdir(bytesPath(root, '/r', [0xe9], 'sum', [0xe9]))
      await writeFile(bytesPath(root, '/r', [0xe9], 'sum', [0xe9], '/cv.pdf'), 'x')
      await writeFile(path.join(root, 'menu', 'odd\ufffd.html'), 'x')
      // A link with a UTF-8 name into that folder is followed like any other.
      await symlink(bytesPath(root, '/r', [0xe9], 'sum', [0xe9]), path.join(root, 'cv'))

      const { files, nonUtf8Names } = await walkSource(root)
      expect(files).toEqual(['cv/cv.pdf', 'index.html', 'menu/a.html', 'menu/odd\ufffd.html'])
      expect(nonUtf8Names.map(n => [n.folder, Buffer.from(n.bytes).toString('latin1')])).toEqual([
        ['', 'résumé'],
        ['menu', 'café.html']
      ])
    }
  )

  withByteNames(
    'a source of nothing but a name that is not UTF-8 is not called empty',
    async () => {
      const root = await mkdtemp(path.join(os.tmpdir(), 'latin1-'))
      await writeFile(Buffer.concat([Buffer.from(`${root}/`), Buffer.from([0xff])]), 'x')
      const { files, nonUtf8Names } = await walkSource(root)
      expect(files).toEqual([])
      expect(nonUtf8Names).toHaveLength(1)
    }
  )

  test('a missing, non-folder or empty source is refused, naming the input', async () => {
    const parent = await mkdtemp(path.join(os.tmpdir(), 'src-'))
    await expect(walkSource(path.join(parent, 'nope'))).rejects.toThrow(
      /Input 'source' must be an existing folder/
    )
    await writeFile(path.join(parent, 'file'), 'x')
    await expect(walkSource(path.join(parent, 'file'))).rejects.toThrow(
      /Input 'source' must be a folder/
    )
    await mkdir(path.join(parent, 'empty', 'sub'), { recursive: true })
    await expect(walkSource(path.join(parent, 'empty'))).rejects.toThrow(
      /Input 'source' is an empty folder/
    )
  })
})

describe('a source at the root of a filesystem', () => {
  test.each([
    ['/', '/site/a.html', 'posix', true],
    ['/', '/', 'posix', true],
    ['/srv/site', '/srv/site/a.html', 'posix', true],
    ['/srv/site', '/srv/site-old/a.html', 'posix', false],
    ['D:\\', 'D:\\site\\a.html', 'win32', true],
    ['D:\\', 'E:\\a.html', 'win32', false],
    ['D:\\site', 'D:\\site\\css\\a.css', 'win32', true],
    ['D:\\site', 'D:\\site-old\\a.html', 'win32', false]
  ] as const)(
    'with the source at %s, %s is inside it (path.%s): %s',
    (rootReal, real, api, inside) => {
      expect(insideOf(rootReal, path[api])(real)).toBe(inside)
    }
  )

  test('a walk of a source at / (C:\\ on Windows): links in it are followed, none leads outside', async () => {
    const root = await makeSite({ 'real/page.html': 'p', 'real/deep/a.css': 'a' })
    await symlink(path.join(root, 'real', 'page.html'), path.join(root, 'alias.html'))
    await symlink(path.join(root, 'real'), path.join(root, 'mirror'))
    await symlink(root, path.join(root, 'real', 'loop'))
    // The real paths as if `root` were the root of its filesystem.
    const realRoot = await realpath(root)
    const fsRoot = path.parse(realRoot).root
    mockRealPaths = real => path.join(fsRoot, path.relative(realRoot, real))
    try {
      const { files, skippedLinks } = await walkSource(root)
      expect(files).toEqual([
        'alias.html',
        'mirror/deep/a.css',
        'mirror/page.html',
        'real/deep/a.css',
        'real/page.html'
      ])
      expect(skippedLinks.map(s => [s.relPath, s.kind]).sort()).toEqual([
        ['mirror/loop', 'loop'],
        ['real/loop', 'loop']
      ])
    } finally {
      mockRealPaths = undefined
    }
  })
})

describe('names stored decomposed (NFD), as macOS volumes may', () => {
  const nfc = (s: string) => s.normalize('NFC')
  const nfd = (s: string) => s.normalize('NFD')

  /** Whether this volume keeps two names that differ only in normalization (macOS's do not). */
  async function keepsBoth(): Promise<boolean> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'norm-'))
    await writeFile(path.join(dir, nfc('é')), 'composed')
    await writeFile(path.join(dir, nfd('é')), 'decomposed')
    return (await readdir(dir)).length === 2
  }

  test('are published composed (NFC), and read by their name on disk', async () => {
    const root = await makeSite({
      [`${nfd('café')}/menu.html`]: 'menu',
      [nfd('résumé.pdf')]: 'cv',
      'plain.html': 'p'
    })
    await symlink(path.join(root, nfd('résumé.pdf')), path.join(root, nfd('cv-é.pdf')))
    const { files, onDisk } = await walkSource(root, { nfc: true })
    expect(files).toEqual([nfc('café/menu.html'), nfc('cv-é.pdf'), 'plain.html', nfc('résumé.pdf')])
    for (const relPath of files) {
      const disk = onDisk.get(relPath) ?? relPath
      expect(await readFile(absolutePath(root, disk), 'utf8')).toBeTruthy()
    }
    expect(onDisk).toEqual(
      new Map([
        [nfc('café/menu.html'), nfd('café/menu.html')],
        [nfc('cv-é.pdf'), nfd('cv-é.pdf')],
        [nfc('résumé.pdf'), nfd('résumé.pdf')]
      ])
    )
  })

  test('without nfc (Linux, Windows), names are kept as stored', async () => {
    const root = await makeSite({ [nfd('résumé.pdf')]: 'cv', [nfc('café.html')]: 'c' })
    const { files, onDisk } = await walkSource(root, { nfc: false })
    expect(files).toEqual([nfc('café.html'), nfd('résumé.pdf')])
    expect(onDisk.size).toBe(0)
  })

  test('nfc follows the OS: on by default on macOS only', async () => {
    const root = await makeSite({ [nfd('é.html')]: 'e' })
    const real = Object.getOwnPropertyDescriptor(process, 'platform')!
    const walkOn = async (platform: NodeJS.Platform) => {
      Object.defineProperty(process, 'platform', { ...real, value: platform })
      try {
        return (await walkSource(root)).files
      } finally {
        Object.defineProperty(process, 'platform', real)
      }
    }
    expect(await walkOn('darwin')).toEqual([nfc('é.html')])
    expect(await walkOn('linux')).toEqual([nfd('é.html')])
    expect(await walkOn('win32')).toEqual([nfd('é.html')])
  })

  test('a scan on macOS: the key is composed, the content hashed from the decomposed name', async () => {
    const { scanSource } = await import('../../../src/local/scan')
    const root = await makeSite({ [`${nfd('été')}/a.html`]: 'summer' })
    const real = Object.getOwnPropertyDescriptor(process, 'platform')!
    Object.defineProperty(process, 'platform', { ...real, value: 'darwin' })
    let scan
    try {
      scan = await scanSource(
        root,
        listInScope(await walkSource(root), () => true),
        {
          prefix: 'p/',
          rules: { cacheControl: [], contentType: [] },
          settings: {},
          keepContents: 0
        }
      )
    } finally {
      Object.defineProperty(process, 'platform', real)
    }
    const [file] = scan.files
    expect([file!.key, file!.relPath, file!.size]).toEqual([
      nfc('p/été/a.html'),
      nfc('été/a.html'),
      6
    ])
    expect(file!.absPath).toBe(path.join(root, nfd('été'), 'a.html'))
    expect(await readFile(file!.absPath, 'utf8')).toBe('summer')
  })

  test('two files whose names differ only in normalization: refused, both named, nothing picked', async () => {
    const root = await makeSite({
      [nfc('café.html')]: 'composed',
      [nfd('café.html')]: 'decomposed',
      [`${nfc('menü')}/a.html`]: 'a',
      [`${nfd('menü')}/a.html`]: 'a, again',
      [`${nfd('menü')}/b.html`]: 'b',
      'index.html': 'home'
    })
    if (!(await keepsBoth())) {
      // A macOS volume cannot hold both names: the second write went to the first file.
      const { files } = await walkSource(root, { nfc: true })
      expect(files).toEqual([
        nfc('café.html'),
        'index.html',
        nfc('menü/a.html'),
        nfc('menü/b.html')
      ])
      return
    }
    await expect(walkSource(root, { nfc: false })).resolves.toHaveProperty('files', [
      nfd('café.html'),
      nfc('café.html'),
      'index.html',
      nfd('menü/a.html'),
      nfd('menü/b.html'),
      nfc('menü/a.html')
    ])
    const shownRoot = root.replace(/\\/g, '\\\\') // Windows' \ escaped, for $'…'
    await expect(walkSource(root, { nfc: true })).rejects.toThrow(
      `Input 'source' has files whose names differ only in Unicode normalization (an accent stored composed, NFC, or decomposed, NFD), which would be published at one S3 key, as names are published composed (NFC) on macOS: '${nfc('café.html')}' from $'caf\\u00e9.html' and $'cafe\\u0301.html'; '${nfc('menü/a.html')}' from $'men\\u00fc/a.html' and $'menu\\u0308/a.html'. Nothing was changed. Keep one file of each, e.g. rm $'${shownRoot}/cafe\\u0301.html'.`
    )
  })
})
