/** The holder's side of the lock, and a deploy that loses it, with mocked S3. */
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand
} from '@aws-sdk/client-s3'
import { deploy, emptyResult } from '../../../src/deploy'
import { LeaseHolder, LockError, takeLock, waitForLock } from '../../../src/steps/lock'
import { DEFAULT_LEASE } from '../../../src/plan/lease'
import { emptyManifest } from '../../../src/plan/manifest'
import { fakeClock, recordingLog } from '../../helpers/doubles'
import { baseConfig } from '../../helpers/fixtures'
import { makeSite } from '../../helpers/site'
import { mockedAws } from '../../helpers/mocked-aws'

const { s3Mock, cfMock, s3, cloudfront } = mockedAws()
const LOCK = '.s3-cloudfront-deploy.lock'
const STATE = '.s3-cloudfront-deploy.json'

const log = recordingLog()
const lines = log.lines

const refused = () =>
  Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), {
    name: 'PreconditionFailed',
    $metadata: { httpStatusCode: 412 }
  })

const record = { token: 'T1', holder: 'job 1', since: '2026-11-26T00:00:00.000Z' }

/** A holder that took the lock at a fake time, on the state object's ETag "s1". */
async function startHolder() {
  const clock = fakeClock(1_000_000)
  const holder = await LeaseHolder.start(
    baseConfig('/src'),
    { s3, cloudfront, log, env: {}, clock },
    record,
    '"s1"',
    clock.now()
  )
  return { clock, holder }
}

beforeEach(() => {
  s3Mock.reset()
  cfMock.reset()
  lines.length = 0
})

describe('LeaseHolder', () => {
  test('acquire: writes the lease unconditionally, then renews it on the ETag of its last write', async () => {
    let n = 0
    s3Mock.on(PutObjectCommand, { Key: LOCK }).callsFake(() => ({ ETag: `"l${++n}"` }))
    const { holder } = await startHolder()
    await holder.confirm()
    holder.stop()
    const puts = s3Mock.commandCalls(PutObjectCommand).map(c => c.args[0].input)
    expect(puts[0]).not.toHaveProperty('IfMatch')
    expect(puts[1]).toMatchObject({ IfMatch: '"l1"' })
    expect(JSON.parse(puts[0]!.Body as string)).toEqual(record)
  })

  test('renew: the deadline moves on; not renewed in time: lost, no further write allowed', async () => {
    s3Mock.on(PutObjectCommand, { Key: LOCK }).resolves({ ETag: '"l"' })
    const { clock, holder } = await startHolder()
    clock.t += 60_000
    expect(() => holder.check()).not.toThrow()
    await holder.confirm() // renewed at +60 s: good until +60 + 75 s
    clock.t += 70_000
    expect(() => holder.check()).not.toThrow()
    // Renewals fail (network): past the deadline, the lease is presumed gone.
    s3Mock.on(PutObjectCommand, { Key: LOCK }).rejects(new Error('socket hang up'))
    clock.t += 10_000
    expect(() => holder.check()).toThrow(LockError)
    expect(() => holder.check()).toThrow(/lease could not be renewed within 1 min 30 s/)
    holder.stop()
  })

  test('lost: a renewal refused (another deploy replaced the lease) stops every later write', async () => {
    s3Mock.on(PutObjectCommand, { Key: LOCK }).resolvesOnce({ ETag: '"l1"' }).rejects(refused())
    const { holder } = await startHolder()
    await expect(holder.confirm()).rejects.toThrow(
      'This deploy lost the lock on s3://bucket/ (another deploy replaced its lease), so another deploy may now be writing there: it stopped before deleting anything.'
    )
    // Lost for good: every later write is refused too.
    expect(() => holder.check()).toThrow(/another deploy replaced its lease/)
    holder.stop()
  })

  test('release: the state object is written on its ETag without the lock, then the lease deleted if still ours', async () => {
    s3Mock.on(PutObjectCommand, { Key: LOCK }).resolves({ ETag: '"l1"' })
    s3Mock.on(PutObjectCommand, { Key: STATE }).resolves({ ETag: '"s2"' })
    const { holder } = await startHolder()
    await holder.writeState(emptyManifest(), false)
    await holder.release()
    const state = s3Mock.commandCalls(PutObjectCommand).find(c => c.args[0].input.Key === STATE)!
    expect(state.args[0].input).toMatchObject({ IfMatch: '"s1"' })
    expect(state.args[0].input.Metadata).toBeUndefined()
    expect(s3Mock.commandCalls(DeleteObjectCommand)[0]!.args[0].input).toEqual({
      Bucket: 'bucket',
      Key: LOCK,
      IfMatch: '"l1"'
    })
  })
})

test('take: conditional on the state object read; refused means another deploy got there first', async () => {
  s3Mock.on(PutObjectCommand).rejectsOnce(refused()).resolves({ ETag: '"s9"' })
  const config = baseConfig('/src')
  const deps = { s3, cloudfront, log, env: {} }
  const state = { etag: '"s1"', lockToken: undefined, writtenAt: 0, serverNow: 0 }
  const manifest = { ...emptyManifest(), lock: record }
  expect(await takeLock(config, deps, manifest, state)).toBeUndefined()
  expect(await takeLock(config, deps, manifest, undefined)).toBe('"s9"')
  const inputs = s3Mock.commandCalls(PutObjectCommand).map(c => c.args[0].input)
  expect(inputs[0]).toMatchObject({ IfMatch: '"s1"', Metadata: { lock: 'T1' } })
  expect(inputs[1]).toMatchObject({ IfNoneMatch: '*', Metadata: { lock: 'T1' } })
})

test('waiting: looks every 2 s, says every 30 s whom it waits for, and times out changing nothing', async () => {
  s3Mock
    .on(HeadObjectCommand)
    .resolves({ ETag: '"s1"', Metadata: { lock: 'T1' }, LastModified: new Date() })
  // The holder renews: its lease is always fresh.
  s3Mock.on(GetObjectCommand).callsFake(() => ({
    LastModified: new Date(),
    Body: { transformToString: async () => JSON.stringify(record) }
  }))
  const config = baseConfig('/src', { lockTimeoutSeconds: 65 })
  const clock = fakeClock(1_000_000)
  const first = {
    state: 'held' as const,
    token: 'T1',
    holder: 'job 1',
    since: record.since,
    silentMs: 0
  }
  await expect(
    waitForLock(config, { s3, cloudfront, log, env: {}, clock }, first, clock.now() + 65_000)
  ).rejects.toThrow(
    /Another deploy holds the lock on s3:\/\/bucket\/: job 1, since 2026-11-26T00:00:00.000Z \(last renewed 0 s ago\)\. Waited 1 min 5 s \(lock-timeout is 65 s\)\. Nothing was changed\./
  )
  expect(s3Mock.commandCalls(HeadObjectCommand)).toHaveLength(33)
  expect(lines.filter(l => l.startsWith('Still waiting for the lock'))).toHaveLength(2)
  expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0)
})

test('a deploy whose lease is refused before deleting deletes nothing, and says so', async () => {
  const source = await makeSite({ 'index.html': 'home' })
  s3Mock.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'old.css', ETag: '"x"', Size: 1 }] })
  s3Mock.on(GetObjectCommand).rejects(Object.assign(new Error('no'), { name: 'NoSuchKey' }))
  s3Mock.on(PutObjectCommand).resolves({ ETag: '"e"' })
  // The lease is written, then the renewal before deleting is refused: another deploy took over.
  s3Mock.on(PutObjectCommand, { Key: LOCK }).resolvesOnce({ ETag: '"l1"' }).rejects(refused())
  const result = emptyResult(false)
  await expect(
    deploy(baseConfig(source, { distributionIds: [] }), { s3, cloudfront, log, env: {} }, result)
  ).rejects.toThrow(/lost the lock .* it stopped before deleting anything/)
  expect(s3Mock.commandCalls(DeleteObjectsCommand)).toHaveLength(0)
  expect(result).toMatchObject({ uploaded: 1, deleted: 0 })
  // Not its lock any more: the state object is not written again.
  expect(
    s3Mock.commandCalls(PutObjectCommand).filter(c => c.args[0].input.Key === STATE)
  ).toHaveLength(1)
})

test('the defaults: a dead holder blocks others for at most about 2 minutes', () => {
  expect(DEFAULT_LEASE.durationMs + DEFAULT_LEASE.pollEveryMs).toBeLessThanOrEqual(120_000)
})
