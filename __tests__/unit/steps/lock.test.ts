/** The holder's side of the lock, and a deploy that loses it, with mocked S3. */
import { createHash } from 'node:crypto'
import { gunzipSync, gzipSync } from 'node:zlib'
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand
} from '@aws-sdk/client-s3'
import { deploy, emptyResult } from '../../../src/deploy'
import { LockError } from '../../../src/steps/lock/errors'
import { LeaseHolder } from '../../../src/steps/lock/holder'
import { takeLock, takeOrWait } from '../../../src/steps/lock/take'
import { waitForLock } from '../../../src/steps/lock/observe'
import {
  emptyManifest,
  keyDigest,
  parseManifest,
  serializeManifest
} from '../../../src/plan/manifest'
import { fakeClock, recordingLog } from '../../helpers/doubles'
import { baseConfig, sourceFile } from '../../helpers/fixtures'
import { makeSite } from '../../helpers/site'
import { honourConditions, mockedAws } from '../../helpers/mocked-aws'

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

const record = {
  token: 'T1',
  holder: 'job 1',
  since: '2026-11-26T00:00:00.000Z',
  leaseMs: 90_000
}

/** A holder that took the lock at a fake time, on the state object's ETag "s1". */
async function startHolder() {
  const clock = fakeClock(1_000_000)
  const holder = await LeaseHolder.start(
    baseConfig('/src'),
    { s3, cloudfront, log, env: {}, clock },
    record,
    's1',
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
    // The lease records its own length: every reader judges it by that.
    expect(JSON.parse(puts[0]!.Body as string)).toEqual(record)
  })

  test('the first lease write is awaited: a holder that could not write it may not write at all', async () => {
    s3Mock.on(PutObjectCommand, { Key: LOCK }).rejects(new Error('socket hang up'))
    const { holder } = await startHolder()
    expect(holder.signal.aborted).toBe(true)
    expect(() => holder.check()).toThrow(/its lease could not be renewed: socket hang up/)
    holder.stop()
  })

  test('renew: the deadline moves on; not renewed in time: lost, writes aborted', async () => {
    s3Mock.on(PutObjectCommand, { Key: LOCK }).resolves({ ETag: '"l"' })
    const { clock, holder } = await startHolder()
    clock.t += 60_000
    expect(() => holder.check()).not.toThrow()
    await holder.confirm() // renewed at +60 s: good until +60 + 75 s
    clock.t += 74_000
    expect(() => holder.check()).not.toThrow()
    expect(holder.signal.aborted).toBe(false)
    clock.t += 1000
    expect(() => holder.check()).toThrow(LockError)
    expect(() => holder.check()).toThrow(/lease could not be renewed in time, within 1 min 15 s/)
    expect(holder.signal.aborted).toBe(true)
    holder.stop()
  })

  test('a renewal that fails (the SDK retried already) stops the writing at once', async () => {
    s3Mock
      .on(PutObjectCommand, { Key: LOCK })
      .resolvesOnce({ ETag: '"l1"' })
      .rejects(new Error('socket hang up'))
    const { holder } = await startHolder()
    await expect(holder.confirm()).rejects.toThrow(/its lease could not be renewed: socket hang up/)
    expect(holder.signal.aborted).toBe(true)
    holder.stop()
  })

  test('a renewal whose answer comes after the deadline revives nothing', async () => {
    const clock = fakeClock(1_000_000)
    let n = 0
    s3Mock.on(PutObjectCommand, { Key: LOCK }).callsFake(async () => {
      // The second write, a renewal sent in time, is answered 80 s later: past the deadline.
      if (++n === 2) clock.t += 80_000
      return { ETag: `"l${n}"` }
    })
    const holder = await LeaseHolder.start(
      baseConfig('/src'),
      { s3, cloudfront, log, env: {}, clock },
      record,
      's1',
      clock.now()
    )
    await expect(holder.confirm()).rejects.toThrow(/could not be renewed in time/)
    expect(holder.signal.aborted).toBe(true)
    holder.stop()
  })

  test('writes in flight are aborted at the deadline, by a timer: not only the next check', async () => {
    jest.useFakeTimers({ now: 1_000_000 })
    try {
      const clock = { now: () => Date.now(), sleep: async () => undefined }
      s3Mock.on(PutObjectCommand, { Key: LOCK }).resolves({ ETag: '"l1"' })
      const holder = await LeaseHolder.start(
        baseConfig('/src'),
        { s3, cloudfront, log, env: {}, clock },
        record,
        's1',
        Date.now()
      )
      // Renewals fail from now on, and no write asks check(): the timer alone must stop them.
      s3Mock.on(PutObjectCommand, { Key: LOCK }).callsFake(() => new Promise(() => undefined))
      jest.advanceTimersByTime(74_000)
      expect(holder.signal.aborted).toBe(false)
      jest.advanceTimersByTime(1500)
      expect(holder.signal.aborted).toBe(true)
      expect(String(holder.signal.reason)).toMatch(/lost the lock/)
      holder.stop()
    } finally {
      jest.useRealTimers()
    }
  })

  test('lost: a renewal refused (another deploy replaced the lease) stops every later write', async () => {
    s3Mock.on(PutObjectCommand, { Key: LOCK }).resolvesOnce({ ETag: '"l1"' }).rejects(refused())
    const { holder } = await startHolder()
    await expect(holder.confirm()).rejects.toThrow(
      'This deploy lost the lock on s3://bucket/ (another deploy replaced its lease), so another deploy may now be writing there: it stopped writing, and deleted nothing.'
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
    expect(state.args[0].input.Metadata?.lock).toBeUndefined()
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
  expect(await takeLock(config, deps, manifest, undefined)).toBe('s9')
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
    silentMs: 0,
    durationMs: 90_000
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
  honourConditions(s3Mock)
  const result = emptyResult(false)
  await expect(
    deploy(baseConfig(source, { distributionIds: [] }), { s3, cloudfront, log, env: {} }, result)
  ).rejects.toThrow(/lost the lock .* it stopped writing, and deleted nothing/)
  expect(s3Mock.commandCalls(DeleteObjectsCommand)).toHaveLength(0)
  expect(result).toMatchObject({ uploaded: 1, deleted: 0 })
  // Not its lock any more: the state object is not written again.
  expect(
    s3Mock.commandCalls(PutObjectCommand).filter(c => c.args[0].input.Key === STATE)
  ).toHaveLength(1)
})

test('a dead holder blocks the next deploy for at most its lease and one look: 92 s', async () => {
  jest.useFakeTimers({ now: Date.UTC(2026, 11, 4, 12) })
  try {
    // Whoever sleeps moves the time on; S3's clock is the same time (answers carry no Date here).
    const clock = {
      now: () => Date.now(),
      sleep: async (ms: number) => jest.setSystemTime(Date.now() + ms)
    }
    const diedAt = Date.now()
    s3Mock.on(HeadObjectCommand).callsFake(() => ({
      ETag: '"s1"',
      Metadata: { lock: 'T1', 'lease-ms': '90000' },
      LastModified: new Date(diedAt)
    }))
    s3Mock.on(GetObjectCommand).callsFake(() => ({
      LastModified: new Date(diedAt),
      Body: { transformToString: async () => JSON.stringify(record) }
    }))
    clock.sleep(1000)
    const first = {
      state: 'held' as const,
      token: 'T1',
      holder: 'job 1',
      since: record.since,
      silentMs: 1000,
      durationMs: 90_000
    }
    await waitForLock(
      baseConfig('/src'),
      { s3, cloudfront, log, env: {}, clock },
      first,
      Date.now() + 600_000
    )
    const blocked = Date.now() - diedAt
    expect(blocked).toBeGreaterThanOrEqual(90_000)
    expect(blocked).toBeLessThanOrEqual(92_000)
  } finally {
    jest.useRealTimers()
  }
})

test('two deploys that keep meeting at the lock back off, with jitter, before planning again', async () => {
  // The state object keeps changing under this deploy, and the lock is free each time it looks.
  s3Mock.on(PutObjectCommand).rejects(refused())
  s3Mock.on(HeadObjectCommand).callsFake(() => ({ ETag: `"other-${Math.random()}"` }))
  const clock = fakeClock(1_000_000)
  const deps = { s3, cloudfront, log, env: {}, clock }
  const waits: number[] = []
  for (let round = 1; round <= 6; round++) {
    const before = clock.t
    const taken = await takeOrWait(
      baseConfig('/src'),
      deps,
      { ...emptyManifest(), lock: record },
      { etag: 's1', lockToken: undefined, writtenAt: 0, serverNow: 0 },
      { state: 'free' },
      clock.now() + 600_000,
      emptyManifest(),
      round
    )
    expect(taken).toBeUndefined()
    waits.push(clock.t - before)
  }
  // Each round waits up to 2^(round-1) s, capped at 16 s: a few requests a second at most.
  waits.forEach((ms, i) => expect(ms).toBeLessThanOrEqual(Math.min(16_000, 1000 * 2 ** i)))
  expect(waits.reduce((a, b) => a + b)).toBeGreaterThan(0)
})

test('a store that refuses If-Match on the very ETag its object has: said as it is, not as a race', async () => {
  s3Mock.on(PutObjectCommand).rejects(refused())
  s3Mock.on(HeadObjectCommand).resolves({ ETag: '"s1"', Metadata: {} })
  await expect(
    takeLock(
      baseConfig('/src'),
      { s3, cloudfront, log, env: {} },
      { ...emptyManifest(), lock: record },
      { etag: '"s1"', lockToken: undefined, writtenAt: 0, serverNow: 0 }
    )
  ).rejects.toThrow(
    /still has the ETag s1, but the store refused a write conditional on it \(If-Match\), quoted and unquoted: it does not honour If-Match as S3 does\. Set the input 'lock' to false/
  )
  // Once quoted, once unquoted: no loop.
  expect(s3Mock.commandCalls(PutObjectCommand).map(c => c.args[0].input.IfMatch)).toEqual([
    '"s1"',
    's1'
  ])
})

describe('a deploy and the state object', () => {
  const denied = () =>
    Object.assign(new Error('Access Denied'), {
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 }
    })

  test('without s3:GetObject on it: with delete, refused naming the permission; without, deployed with a warning', async () => {
    const source = await makeSite({ 'index.html': 'home' })
    s3Mock
      .on(ListObjectsV2Command)
      .resolves({ Contents: [{ Key: 'old.css', ETag: '"x"', Size: 1 }] })
    s3Mock.on(GetObjectCommand).rejects(denied())
    s3Mock.on(PutObjectCommand).resolves({ ETag: '"e"' })
    const deps = { s3, cloudfront, log, env: {} }
    await expect(
      deploy(baseConfig(source, { distributionIds: [] }), deps, emptyResult(false))
    ).rejects.toThrow(
      "Refusing to deploy with 'delete': the state object s3://bucket/.s3-cloudfront-deploy.json cannot be read, so this deploy can neither see nor take the lock, and deleting without it could delete what another deploy is writing. Nothing was changed. Grant s3:GetObject on arn:aws:s3:::bucket/.s3-cloudfront-deploy.json, or deploy without 'delete'."
    )
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0)
    expect(s3Mock.commandCalls(DeleteObjectsCommand)).toHaveLength(0)

    const result = emptyResult(false)
    await deploy(baseConfig(source, { distributionIds: [], delete: false }), deps, result)
    expect(result.uploaded).toBe(1)
    expect(lines.join('\n')).toMatch(
      /warning: Cannot read the state object .* no lock can be taken/
    )
  })

  test('the state written when the lock is taken vouches for no object the deploy will change', async () => {
    const source = await makeSite({
      'index.html': 'new home',
      'css/site.css': 'css',
      'js/app.js': 'js'
    })
    const md5 = (text: string) => createHash('md5').update(text).digest('hex')
    const entry = (text: string, headers: string) => ({
      etag: md5(text),
      size: text.length,
      md5: md5(text),
      headers
    })
    // The state object as the last deploy left it: index.html changes now; app.js keeps its
    // content but gets new headers (a header-only update keeps its ETag); site.css stays.
    const before = emptyManifest()
    const css = sourceFile('css/site.css', md5('css'), 3, {
      contentType: 'text/css; charset=utf-8'
    })
    before.entries.set(keyDigest('index.html'), entry('old home', 'h'))
    before.entries.set(keyDigest('css/site.css'), entry('css', css.headersDigest))
    before.entries.set(keyDigest('js/app.js'), entry('js', 'old-headers'))
    s3Mock.on(GetObjectCommand).resolves({
      ETag: '"s1"',
      Body: {
        transformToByteArray: async () => new Uint8Array(gzipSync(serializeManifest(before)))
      }
    } as never)
    s3Mock.on(ListObjectsV2Command).resolves({
      Contents: [
        { Key: 'index.html', ETag: `"${md5('old home')}"`, Size: 8 },
        { Key: 'css/site.css', ETag: `"${md5('css')}"`, Size: 3 },
        { Key: 'js/app.js', ETag: `"${md5('js')}"`, Size: 2 }
      ]
    })
    const states: Buffer[] = []
    s3Mock.on(PutObjectCommand).callsFake(input => {
      if (input.Key === STATE) states.push(Buffer.from(input.Body as Uint8Array))
      return { ETag: '"e"' }
    })
    s3Mock.on(CopyObjectCommand).resolves({ CopyObjectResult: { ETag: `"${md5('js')}"` } })
    honourConditions(s3Mock)
    await deploy(
      baseConfig(source, { distributionIds: [] }),
      { s3, cloudfront, log, env: {} },
      emptyResult(false)
    )
    const atLock = parseManifest(gunzipSync(states[0]!).toString('utf8'))
    expect(atLock.lock?.token).toBeDefined()
    expect(atLock.entries.has(keyDigest('index.html'))).toBe(false)
    expect(atLock.entries.has(keyDigest('js/app.js'))).toBe(false)
    expect(atLock.entries.has(keyDigest('css/site.css'))).toBe(true)
    // At the end, each is vouched for again, as written.
    const after = parseManifest(gunzipSync(states.at(-1)!).toString('utf8'))
    expect(after.entries.get(keyDigest('index.html'))?.md5).toBe(md5('new home'))
    expect(after.entries.get(keyDigest('js/app.js'))?.headers).not.toBe('old-headers')
  })
})

test('a lease that cannot be written holds nothing: the lock is given up at once, and the state object goes back', async () => {
  s3Mock.on(PutObjectCommand, { Key: STATE }).resolves({ ETag: '"s1"' })
  s3Mock.on(PutObjectCommand, { Key: LOCK }).rejects(new Error('socket hang up'))
  s3Mock.on(DeleteObjectCommand).resolves({})
  await expect(
    takeOrWait(
      baseConfig('/src'),
      { s3, cloudfront, log, env: {}, clock: fakeClock(1_000_000) },
      { ...emptyManifest(), lock: record },
      undefined,
      { state: 'free' },
      2_000_000,
      emptyManifest()
    )
  ).rejects.toThrow(/lost the lock .*its lease could not be renewed: socket hang up/)
  // There was no state object before: the one written to take the lock is deleted again.
  expect(
    s3Mock
      .commandCalls(DeleteObjectCommand)
      .map(c => [c.args[0].input.Key, c.args[0].input.IfMatch])
  ).toContainEqual([STATE, '"s1"'])
  // No probe of the store was sent.
  expect(
    s3Mock
      .commandCalls(PutObjectCommand)
      .filter(c => c.args[0].input.IfNoneMatch && c.args[0].input.Key === LOCK)
  ).toEqual([])
})
