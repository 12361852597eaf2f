import { mkdtemp, mkdir, symlink, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { absolutePath, walkSource } from '../../src/local/walk'
import { makeSite } from '../helpers/site'

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
