/** Conditional writes of the action's own objects (src/remote/conditional.ts), with mocked S3. */
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { mockClient } from 'aws-sdk-client-mock'
import {
  ConditionFailedError,
  conditionalPut,
  EMPTY_ETAG,
  ignoredConditions,
  WRITE_TOKEN_METADATA
} from '../../../src/remote/conditional'
import { preconditionFailed } from '../../helpers/mocked-aws'
import { fakeClock } from '../../helpers/doubles'

const s3Mock = mockClient(S3Client)
const credentials = { accessKeyId: 'a', secretAccessKey: 'b' }
/** A new client per test: what a client learnt about its store is kept per client. */
const client = () => new S3Client({ region: 'us-east-1', credentials })
const input = { Bucket: 'b', Key: 'state.json', Body: 'x' }

const conflict = () =>
  Object.assign(new Error('A conflicting conditional operation is in progress'), {
    name: 'ConditionalRequestConflict',
    $metadata: { httpStatusCode: 409 }
  })
const sentToken = (i: number) =>
  s3Mock.commandCalls(PutObjectCommand)[i]!.args[0].input.Metadata?.[WRITE_TOKEN_METADATA]

beforeEach(() => s3Mock.reset())

test('If-Match is sent quoted, If-None-Match as *, each write with a token of its own', async () => {
  s3Mock.on(PutObjectCommand).resolves({ ETag: '"e2"' })
  const s3 = client()
  expect(await conditionalPut(s3, input, { ifMatch: '"e1"' })).toBe('e2')
  expect(await conditionalPut(s3, input, { ifNoneMatch: true })).toBe('e2')
  const calls = s3Mock.commandCalls(PutObjectCommand).map(c => c.args[0].input)
  expect(calls[0]).toMatchObject({ IfMatch: '"e1"' })
  expect(calls[1]).toMatchObject({ IfNoneMatch: '*' })
  expect(sentToken(0)).toMatch(/^[0-9a-f-]{36}$/)
  expect(sentToken(1)).not.toBe(sentToken(0))
})

test('a retry refused because the first attempt had landed is known by its token: success', async () => {
  s3Mock.on(PutObjectCommand).rejects(preconditionFailed())
  s3Mock
    .on(HeadObjectCommand)
    .callsFake(() => ({ ETag: '"mine"', Metadata: { [WRITE_TOKEN_METADATA]: sentToken(0) } }))
  expect(await conditionalPut(client(), input, { ifNoneMatch: true })).toBe('mine')
})

test('refused while the object still has the expected ETag: the store wants it unquoted (RGW), learnt once', async () => {
  s3Mock.on(PutObjectCommand, { IfMatch: '"e1"' }).rejects(preconditionFailed())
  s3Mock.on(PutObjectCommand, { IfMatch: 'e1' }).resolves({ ETag: '"e2"' })
  s3Mock.on(PutObjectCommand, { IfMatch: 'e2' }).resolves({ ETag: '"e3"' })
  s3Mock.on(HeadObjectCommand).resolves({ ETag: '"e1"', Metadata: {} })
  const s3 = client()
  expect(await conditionalPut(s3, input, { ifMatch: '"e1"' })).toBe('e2')
  // From then on this client sends the unquoted form at once.
  expect(await conditionalPut(s3, input, { ifMatch: 'e2' })).toBe('e3')
  const forms = s3Mock.commandCalls(PutObjectCommand).map(c => c.args[0].input.IfMatch)
  expect(forms).toEqual(['"e1"', 'e1', 'e2'])
  expect(s3Mock.commandCalls(HeadObjectCommand)).toHaveLength(1)
})

test('refused because another deploy wrote it: ConditionFailed, tried once', async () => {
  s3Mock.on(PutObjectCommand).rejects(preconditionFailed())
  s3Mock.on(HeadObjectCommand).resolves({ ETag: '"theirs"', Metadata: { write: 'their-token' } })
  await expect(conditionalPut(client(), input, { ifMatch: 'e1' })).rejects.toThrow(
    ConditionFailedError
  )
  expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(1)
})

test('409 ConditionalRequestConflict is retried with backoff; one that goes on is a refusal', async () => {
  s3Mock
    .on(PutObjectCommand)
    .rejectsOnce(conflict())
    .rejectsOnce(conflict())
    .resolves({ ETag: '"e"' })
  const waits: number[] = []
  const clock = fakeClock()
  const recorded = { now: clock.now, sleep: async (ms: number) => void waits.push(ms) }
  expect(await conditionalPut(client(), input, { ifMatch: 'e1' }, { clock: recorded })).toBe('e')
  expect(waits).toHaveLength(2)
  for (const [i, ms] of waits.entries()) expect(ms).toBeLessThanOrEqual(100 * 2 ** i)

  s3Mock.reset()
  s3Mock.on(PutObjectCommand).rejects(conflict())
  await expect(conditionalPut(client(), input, { ifMatch: 'e1' }, { clock })).rejects.toThrow(
    ConditionFailedError
  )
  // Gave up after about 10 s of the fake clock.
  expect(clock.t).toBeGreaterThanOrEqual(10_000)
  expect(clock.t).toBeLessThan(15_000)
})

test('an answer without an ETag (Ceph RGW) is completed with HEAD', async () => {
  s3Mock.on(PutObjectCommand).resolves({})
  s3Mock.on(HeadObjectCommand).resolves({ ETag: '"abc-2"' })
  expect(await conditionalPut(client(), input, undefined)).toBe('abc-2')
})

test('ignoredConditions: a store that refuses both probes ignores none; one that stores them is named', async () => {
  s3Mock.on(PutObjectCommand).rejects(preconditionFailed())
  expect(await ignoredConditions(client(), input)).toEqual([])
  const probes = s3Mock.commandCalls(PutObjectCommand).map(c => c.args[0].input)
  expect(probes).toEqual([
    { ...input, IfNoneMatch: '*' },
    { ...input, IfMatch: `"${EMPTY_ETAG}"` }
  ])
  s3Mock.reset()
  s3Mock.on(PutObjectCommand, { IfNoneMatch: '*' }).rejects(preconditionFailed())
  s3Mock.on(PutObjectCommand, { IfMatch: `"${EMPTY_ETAG}"` }).resolves({ ETag: '"x"' })
  expect(await ignoredConditions(client(), input)).toEqual(['If-Match'])
  s3Mock.reset()
  s3Mock.on(PutObjectCommand).rejects(conflict())
  expect(await ignoredConditions(client(), input)).toEqual([])
})
