/** A preview's removal with mocked clients: batches, order, and what a failure leaves. */
import { gzipSync } from 'node:zlib'
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand
} from '@aws-sdk/client-s3'
import { CreateInvalidationCommand, GetDistributionCommand } from '@aws-sdk/client-cloudfront'
import { removePrefix } from '../../src/remove-prefix'
import { emptyResult } from '../../src/steps/context'
import { emptyManifest, serializeManifest } from '../../src/plan/manifest'
import { recordingLog } from '../helpers/doubles'
import { baseConfig } from '../helpers/fixtures'
import { honourConditions, mockedAws } from '../helpers/mocked-aws'

const { s3Mock, cfMock, s3, cloudfront } = mockedAws()
const log = recordingLog()
const STATE = 'pr-7/.s3-cloudfront-deploy.json'
const LEASE = 'pr-7/.s3-cloudfront-deploy.lock'
const config = () =>
  baseConfig('/nowhere', {
    prefix: 'pr-7/',
    remove: true,
    manifestKey: STATE,
    lockKey: LEASE
  })

let sent: string[] = []
beforeEach(() => {
  s3Mock.reset()
  cfMock.reset()
  sent = []
  const keys = Array.from({ length: 2500 }, (_, i) => `pr-7/f-${String(i).padStart(4, '0')}.css`)
  s3Mock.on(ListObjectsV2Command).callsFake(input => {
    const start = input.ContinuationToken ? Number(input.ContinuationToken) : 0
    const page = [...keys, STATE].slice(start, start + 1000)
    const next = start + 1000 < keys.length + 1 ? String(start + 1000) : undefined
    return {
      Contents: page.map(Key => ({ Key, ETag: '"x"', Size: 1 })),
      IsTruncated: next !== undefined,
      NextContinuationToken: next
    }
  })
  s3Mock.on(GetObjectCommand, { Key: STATE }).resolves({
    ETag: '"s1"',
    Body: {
      transformToByteArray: async () => new Uint8Array(gzipSync(serializeManifest(emptyManifest())))
    }
  } as never)
  s3Mock.on(PutObjectCommand).callsFake(input => {
    sent.push(`Put ${input.Key}`)
    return { ETag: '"p"' }
  })
  honourConditions(s3Mock, LEASE)
  s3Mock.on(DeleteObjectsCommand).callsFake(input => {
    sent.push(`DeleteObjects ${input.Delete.Objects.length}`)
    return {}
  })
  s3Mock.on(DeleteObjectCommand).callsFake(input => {
    sent.push(`Delete ${input.Key} if ${input.IfMatch}`)
    return {}
  })
  cfMock.on(GetDistributionCommand).resolves({
    Distribution: {
      DomainName: 'd1.cloudfront.net',
      DistributionConfig: {
        Origins: {
          Quantity: 1,
          Items: [{ Id: 's3', DomainName: 'bucket.s3.amazonaws.com', OriginPath: '' }]
        },
        DefaultCacheBehavior: { TargetOriginId: 's3' }
      }
    }
  } as never)
  cfMock.on(CreateInvalidationCommand).callsFake(input => {
    sent.push(`Invalidate ${input.InvalidationBatch.Paths.Items.join(',')}`)
    return { Invalidation: { Id: 'I1', Status: 'InProgress' } }
  })
})

test('lock, 1,000 keys a DeleteObjects, one wildcard, then the state object (if still ours), then its lease', async () => {
  const result = emptyResult(false)
  await removePrefix(config(), { s3, cloudfront, log, env: {} }, result)
  expect(sent).toEqual([
    `Put ${STATE}`,
    `Put ${LEASE}`,
    'DeleteObjects 1000',
    'DeleteObjects 1000',
    'DeleteObjects 500',
    'Invalidate /pr-7/*',
    `Delete ${STATE} if "p"`,
    `Delete ${LEASE} if "p"`
  ])
  expect(result).toMatchObject({ deleted: 2500, url: 'https://d1.cloudfront.net/pr-7/' })
})

test('a failed batch: nothing more deleted, no invalidation; the lock released and the state object kept', async () => {
  s3Mock
    .on(DeleteObjectsCommand)
    .callsFakeOnce(input => {
      sent.push(`DeleteObjects ${input.Delete.Objects.length}`)
      return {}
    })
    .rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }))
  const result = emptyResult(false)
  await expect(removePrefix(config(), { s3, cloudfront, log, env: {} }, result)).rejects.toThrow(
    /Failed to delete from s3:\/\/bucket\/pr-7\/: access denied/
  )
  expect(result.deleted).toBe(1000)
  expect(sent.filter(r => r.startsWith('Invalidate'))).toEqual([])
  // Released: the state object written again (no lock), never deleted.
  expect(sent.filter(r => r.includes(STATE))).toEqual([`Put ${STATE}`, `Put ${STATE}`])
  expect(s3Mock.commandCalls(PutObjectCommand).at(-1)!.args[0].input.Metadata?.lock).toBeUndefined()
})

test('a state object written by a newer release is refused, naming manifest-key: nothing deleted', async () => {
  s3Mock.on(GetObjectCommand, { Key: STATE }).resolves({
    ETag: '"s9"',
    Body: { transformToByteArray: async () => new Uint8Array(gzipSync('{"version":3}')) }
  } as never)
  await expect(
    removePrefix(config(), { s3, cloudfront, log, env: {} }, emptyResult(false))
  ).rejects.toThrow(
    "Input 'manifest-key': the state object was written by a newer version of the action (format 3, this one reads up to 2): use that version or newer. Nothing was changed."
  )
  expect(sent).toEqual([])
})
