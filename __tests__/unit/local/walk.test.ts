import { mkdtemp, mkdir, symlink, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { absolutePath, walkSource } from '../../../src/local/walk'
import { makeSite } from '../../helpers/site'

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

  test('a name that is not UTF-8 is reported by its folder and bytes, and never walked into', async () => {
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
  })

  test('a source of nothing but a name that is not UTF-8 is not called empty', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'latin1-'))
    await writeFile(Buffer.concat([Buffer.from(`${root}/`), Buffer.from([0xff])]), 'x')
    const { files, nonUtf8Names } = await walkSource(root)
    expect(files).toEqual([])
    expect(nonUtf8Names).toHaveLength(1)
  })

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
