import { truncate } from 'node:fs/promises'
import * as path from 'node:path'
import { FileContents, readHashedFile } from '../../../src/local/contents'
import { makeSite } from '../../helpers/site'

test('kept within the budget, copied (the hashing buffer is reused), handed over once', () => {
  const contents = new FileContents(10)
  const buffer = Buffer.from('abcdefghij')
  contents.offer('a', buffer.subarray(0, 4))
  contents.offer('b', buffer.subarray(4, 10))
  contents.offer('c', Buffer.from('x')) // over the budget: not kept
  buffer.fill(0)
  expect(contents.size).toBe(10)
  expect(contents.take('a')?.toString()).toBe('abcd')
  expect(contents.take('a')).toBeUndefined()
  expect(contents.take('c')).toBeUndefined()
  contents.keepOnly(['a'])
  expect(contents.take('b')).toBeUndefined()
  expect(contents.size).toBe(0)
})

test('readHashedFile: exactly the size hashed; a file that shrank since is an error', async () => {
  const root = await makeSite({ 'a.txt': 'hello world' })
  const file = path.join(root, 'a.txt')
  expect((await readHashedFile(file, 11)).toString()).toBe('hello world')
  await truncate(file, 5)
  await expect(readHashedFile(file, 11)).rejects.toThrow(
    `${file} changed while deploying: it is now 5 bytes, not 11`
  )
})
