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
