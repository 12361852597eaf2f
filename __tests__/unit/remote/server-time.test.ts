/** S3's clock as the deploy sees it (src/remote/server-time.ts), and where it is used. */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { mockClient } from 'aws-sdk-client-mock'
import { ServerClock, serverTimeOf } from '../../../src/remote/server-time'
import { readLease } from '../../../src/remote/lock'

test('ServerClock: the latest Date seen, plus the local time since it was first seen', () => {
  let local = 1000
  const clock = new ServerClock(() => local)
  expect(clock.now()).toBeUndefined()
  clock.observe('Fri, 04 Dec 2026 12:00:00 GMT')
  local += 400
  // The same second again changes nothing: the header has a resolution of one second.
  clock.observe('Fri, 04 Dec 2026 12:00:00 GMT')
  local += 300
  expect(clock.now()).toBe(Date.UTC(2026, 11, 4, 12) + 700)
  clock.observe('Fri, 04 Dec 2026 12:00:01 GMT')
  expect(clock.now()).toBe(Date.UTC(2026, 11, 4, 12, 0, 1))
  clock.observe('not a date')
  clock.observe(undefined)
  expect(clock.now()).toBe(Date.UTC(2026, 11, 4, 12, 0, 1))
})

test("an error's answer carries S3's time too", () => {
  const err = Object.assign(new Error('no'), {
    $response: { headers: { date: 'Fri, 04 Dec 2026 12:00:00 GMT' } }
  })
  expect(serverTimeOf(err)).toBe(Date.UTC(2026, 11, 4, 12))
  expect(serverTimeOf(new Error('no'))).toBeUndefined()
})

test("no lease object: the time of reading is S3's, from the 404's Date, never the runner's", async () => {
  const s3Mock = mockClient(S3Client)
  s3Mock.on(GetObjectCommand).rejects(
    Object.assign(new Error('The specified key does not exist.'), {
      name: 'NoSuchKey',
      $response: { headers: { date: 'Fri, 04 Dec 2026 12:00:00 GMT' } }
    })
  )
  const s3 = new S3Client({
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' }
  })
  expect(await readLease(s3, 'b', 'k.lock')).toEqual({
    lease: undefined,
    serverNow: Date.UTC(2026, 11, 4, 12)
  })
  s3Mock.restore()
})
