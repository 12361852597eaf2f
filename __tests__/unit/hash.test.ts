import { createHash, randomBytes } from 'node:crypto'
import * as path from 'node:path'
import { hashFile } from '../../src/local/hash'
import { makeSite } from '../helpers/site'

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
  const { MULTIPART_THRESHOLD, PART_SIZE } = await import('../../src/plan/multipart')
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
    multipartEtag: expected
  })
  // A buffer that does not divide the part size still splits parts at the right bytes.
  expect(
    (await hashFile(path.join(root, 'big'), Buffer.alloc(3 * 1024 * 1024 + 7))).multipartEtag
  ).toBe(expected)
  // Small files have none.
  expect((await hashFile(path.join(root, 'big'), undefined)).md5).toBe(digest.md5)
})
