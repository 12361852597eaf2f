import { createHash, randomBytes } from 'node:crypto'
import * as path from 'node:path'
import { hashFile } from '../../../src/local/hash'
import { listInScope, walkSource } from '../../../src/local/walk'
import { makeSite } from '../../helpers/site'

test('hashFile gives the MD5 and size of files smaller and larger than its chunk', async () => {
  const small = Buffer.from('hello world')
  const large = randomBytes(3 * 1024 * 1024 + 17)
  const root = await makeSite({ small, large, empty: '' })
  for (const [name, content] of [
    ['small', small],
    ['large', large],
    ['empty', Buffer.alloc(0)]
  ] as const) {
    const expected = createHash('md5').update(content).digest('hex')
    expect(await hashFile(path.join(root, name))).toEqual({ md5: expected, size: content.length })
  }
  // A small buffer forces many reads.
  expect((await hashFile(path.join(root, 'large'), Buffer.alloc(4096))).md5).toBe(
    createHash('md5').update(large).digest('hex')
  )
})

test('files above the multipart threshold also get the ETag of their multipart upload', async () => {
  const { MULTIPART_THRESHOLD, PART_SIZE } = await import('../../../src/plan/multipart')
  const content = randomBytes(MULTIPART_THRESHOLD + 12345) // 3 parts of 8 MiB, 8 MiB and 12,345 bytes
  const root = await makeSite({ big: content })
  const parts = [0, PART_SIZE, 2 * PART_SIZE].map(start =>
    createHash('md5')
      .update(content.subarray(start, start + PART_SIZE))
      .digest()
  )
  const expected = `${createHash('md5').update(Buffer.concat(parts)).digest('hex')}-3`
  const digest = await hashFile(path.join(root, 'big'))
  expect(digest).toEqual({
    md5: createHash('md5').update(content).digest('hex'),
    size: content.length,
    multipartEtag: expected,
    // Each part's Content-MD5, for its upload.
    partMd5s: parts.map(p => p.toString('base64'))
  })
  // A buffer that does not divide the part size still splits parts at the right bytes.
  expect(
    (await hashFile(path.join(root, 'big'), Buffer.alloc(3 * 1024 * 1024 + 7))).multipartEtag
  ).toBe(expected)
  // Small files have none.
  expect((await hashFile(path.join(root, 'big'), undefined)).md5).toBe(digest.md5)
})

test('hashSmallFileSync: the digest of a file that fits the buffer, undefined for one that does not', async () => {
  const { hashSmallFileSync } = await import('../../../src/local/hash')
  const small = randomBytes(1000)
  const exact = randomBytes(4096)
  const root = await makeSite({ small, exact, empty: '' })
  const buffer = Buffer.alloc(4096)
  const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex')
  expect(hashSmallFileSync(path.join(root, 'small'), buffer)).toEqual({
    md5: md5(small),
    size: 1000
  })
  // The content is left in the buffer, for the upload to use.
  expect(buffer.subarray(0, 1000).equals(small)).toBe(true)
  expect(hashSmallFileSync(path.join(root, 'empty'), buffer)).toEqual({
    md5: md5(Buffer.alloc(0)),
    size: 0
  })
  // Exactly the buffer's size: there may be more to read, so it is left to hashFile.
  expect(hashSmallFileSync(path.join(root, 'exact'), buffer)).toBeUndefined()
})

test('scanSource: small files read at once and large ones streamed give the same digests, in order', async () => {
  const { scanSource } = await import('../../../src/local/scan')
  const files: Record<string, Buffer> = {}
  for (let i = 0; i < 40; i++)
    files[`f${String(i).padStart(2, '0')}.bin`] = randomBytes(i % 5 === 0 ? 600 * 1024 : 300 + i)
  const root = await makeSite(files)
  const scan = await scanSource(
    root,
    listInScope(await walkSource(root), () => true),
    {
      prefix: 'p/',
      rules: { cacheControl: [], contentType: [] },
      settings: {},
      keepContents: 1024 * 1024
    }
  )
  expect(scan.files.map(f => [f.key, f.md5, f.size])).toEqual(
    Object.entries(files).map(([name, b]) => [
      `p/${name}`,
      createHash('md5').update(b).digest('hex'),
      b.length
    ])
  )
  // Small files' bytes are kept for their upload (within the budget), exactly as hashed.
  const kept = scan.contents.take('p/f01.bin')
  expect(kept?.equals(files['f01.bin']!)).toBe(true)
  expect(scan.contents.size).toBeLessThanOrEqual(1024 * 1024)
})
