import { isUpToDate, planSync } from '../../src/plan/diff'
import type { RemoteObject, SourceFile } from '../../src/plan/types'

const file = (key: string, md5: string, size = 10): SourceFile => ({
  key,
  relPath: key,
  absPath: `/src/${key}`,
  size,
  md5,
  contentType: 'text/plain'
})
const remote = (...objects: RemoteObject[]) => new Map(objects.map(o => [o.key, o]))
const md5a = 'a'.repeat(32)
const md5b = 'b'.repeat(32)

describe('planSync', () => {
  test('uploads new and changed files by content, never by time', () => {
    const plan = planSync(
      [file('same.css', md5a), file('edited.css', md5b), file('new.js', md5a)],
      remote(
        { key: 'same.css', etag: md5a, size: 10 },
        { key: 'edited.css', etag: md5a, size: 10 }
      ),
      { delete: false }
    )
    expect(plan.uploads.map(u => [u.file.key, u.reason])).toEqual([
      ['edited.css', 'changed'],
      ['new.js', 'new']
    ])
    expect(plan.unchanged.map(f => f.key)).toEqual(['same.css'])
    expect(plan.deletes).toEqual([])
  })

  test('assets before pages', () => {
    const plan = planSync(
      [file('index.html', md5a), file('a.css', md5a), file('b/page.htm', md5a), file('z.js', md5a)],
      remote(),
      {
        delete: false
      }
    )
    expect(plan.uploads.map(u => u.file.key)).toEqual(['a.css', 'z.js', 'index.html', 'b/page.htm'])
  })

  test('deletes what is gone only with delete', () => {
    const objects = remote(
      { key: 'keep.css', etag: md5a, size: 10 },
      { key: 'gone.css', etag: md5a, size: 10 }
    )
    expect(planSync([file('keep.css', md5a)], objects, { delete: false }).deletes).toEqual([])
    expect(planSync([file('keep.css', md5a)], objects, { delete: true }).deletes).toEqual([
      'gone.css'
    ])
  })

  test('same MD5 but another size is a change; a multipart ETag is never taken as a match', () => {
    expect(isUpToDate(file('a', md5a, 10), { key: 'a', etag: md5a, size: 11 })).toBe(false)
    expect(
      isUpToDate(file('a', md5a, 10), { key: 'a', etag: `${md5a.slice(0, 30)}-2`, size: 10 })
    ).toBe(false)
    expect(isUpToDate(file('a', md5a, 10), { key: 'a', etag: md5a, size: 10 })).toBe(true)
    expect(isUpToDate(file('a', md5a, 10), undefined)).toBe(false)
  })
})
