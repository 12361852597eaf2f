import { createHash } from 'node:crypto'
import { gunzipSync, gzipSync } from 'node:zlib'
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand
} from '@aws-sdk/client-s3'
import {
  CreateInvalidationCommand,
  GetDistributionCommand,
  GetInvalidationCommand
} from '@aws-sdk/client-cloudfront'
import type { DeployConfig } from '../../src/config/config'
import type { DeployDeps } from '../../src/steps/context'
import { contentTypeFor } from '../../src/plan/content-type'
import { recordingLog } from './doubles'
import { makeSite } from './site'
import { baseConfig } from './fixtures'
import { honourConditions, mockedAws } from './mocked-aws'

export const MANIFEST = '.s3-cloudfront-deploy.json'
export const LOCK = '.s3-cloudfront-deploy.lock'

/** The files of `config()`'s site. */
const SITE = { 'index.html': 'home', 'a/index.html': 'a', 'css/site.css': 'css', 'js/app.js': 'js' }

export const md5 = (text: string) => createHash('md5').update(text).digest('hex')

/** An AWS SDK error as the clients throw it. */
export const awsError = (name: string, message = name, status = 400) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } })

/** A GetDistribution answer with one S3 origin on the bucket. */
export function distribution(originPath: string) {
  return {
    Distribution: {
      DistributionConfig: {
        Origins: {
          Quantity: 1,
          Items: [
            { Id: 's3', DomainName: 'bucket.s3.eu-west-1.amazonaws.com', OriginPath: originPath }
          ]
        },
        DefaultCacheBehavior: { TargetOriginId: 's3' }
      }
    }
  }
}

/**
 * A whole deploy against mocked S3 and CloudFront clients, for the unit tests of the deploy and
 * its steps. Before each test: a bucket holding `old.css`, no state object, uploads answered with
 * ETag "e0", an invalidation I1 (InProgress, then Completed when asked), a distribution without
 * an origin path, and every request recorded in order as "Command key".
 */
export function deployHarness() {
  const { s3Mock, cfMock, s3, cloudfront } = mockedAws()
  const log = recordingLog()
  const sent: string[] = []
  const record =
    <T>(name: string, output: T) =>
    (input: { Key?: string }) => {
      sent.push(`${name} ${input.Key ?? ''}`.trim())
      return output
    }

  beforeEach(() => {
    s3Mock.reset()
    cfMock.reset()
    log.lines.length = 0
    sent.length = 0
    s3Mock
      .on(ListObjectsV2Command)
      .callsFake(
        record('ListObjectsV2Command', { Contents: [{ Key: 'old.css', ETag: '"x"', Size: 1 }] })
      )
    s3Mock.on(PutObjectCommand).callsFake(record('PutObjectCommand', { ETag: '"e0"' }))
    honourConditions(s3Mock)
    s3Mock
      .on(GetObjectCommand)
      .rejects(Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' }))
    s3Mock.on(DeleteObjectsCommand).callsFake(record('DeleteObjectsCommand', {}))
    s3Mock.on(DeleteObjectCommand).callsFake(record('DeleteObjectCommand', {}))
    cfMock
      .on(CreateInvalidationCommand)
      .callsFake(
        record('CreateInvalidationCommand', { Invalidation: { Id: 'I1', Status: 'InProgress' } })
      )
    cfMock
      .on(GetInvalidationCommand)
      .callsFake(
        record('GetInvalidationCommand', { Invalidation: { Id: 'I1', Status: 'Completed' } })
      )
    cfMock.on(GetDistributionCommand).callsFake(record('GetDistributionCommand', distribution('')))
  })

  return {
    s3Mock,
    cfMock,
    log,
    /** Every request in the order it was sent, as "Command key", across both clients. */
    sent,
    record,
    /** Forgets the requests recorded so far. */
    clearSent: () => void (sent.length = 0),

    /** A fresh copy of the four-file site, and the config parseConfig gives around it. */
    async config(overrides: Partial<DeployConfig> = {}): Promise<DeployConfig> {
      return baseConfig(await makeSite(SITE), overrides)
    },

    /** What deploy() needs besides the config: the mocked clients, the log, no CI. */
    deps(extra: Partial<DeployDeps> = {}): DeployDeps {
      return { s3, cloudfront, log, env: {}, ...extra }
    },

    /** The state object bodies written, decoded; GetObject then serves the last one. */
    keepManifest(): string[] {
      const written: string[] = []
      s3Mock.on(PutObjectCommand, { Key: MANIFEST }).callsFake(input => {
        sent.push(`PutObjectCommand ${MANIFEST}`)
        written.push(gunzipSync(input.Body as Buffer).toString('utf8'))
        return { ETag: `"m${written.length}"` }
      })
      s3Mock.on(GetObjectCommand, { Key: MANIFEST }).callsFake(() => {
        sent.push(`GetObjectCommand ${MANIFEST}`)
        if (written.length === 0)
          throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' })
        const body = gzipSync(written[written.length - 1]!)
        return {
          ETag: `"m${written.length}"`,
          Body: { transformToByteArray: async () => new Uint8Array(body) }
        }
      })
      return written
    },

    /** The bucket already holds the files of `config()`, as a previous deploy left them. */
    alreadyDeployed(): void {
      const contents = Object.entries(SITE).map(([Key, text]) => ({
        Key,
        ETag: `"${md5(text)}"`,
        Size: text.length
      }))
      s3Mock
        .on(ListObjectsV2Command)
        .callsFake(record('ListObjectsV2Command', { Contents: contents }))
      s3Mock.on(HeadObjectCommand).callsFake(input => ({ ContentType: contentTypeFor(input.Key) }))
    }
  }
}
