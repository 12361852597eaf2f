import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { motoSuite } from '../helpers/moto'
import { awsEnv } from '../helpers/aws'
import { startLocalEdge, type LocalEdge } from '../helpers/local-edge'
import { startLocalKvs, type LocalKvs } from '../helpers/local-kvs'
import { createKvsClient, describeStore, switchRelease } from '../../src/aws/kvs'
import { releaseKey, releasePrefix } from '../../src/plan/release-route'

/**
 * Release mode end to end, without AWS: releases in a moto bucket, the live one named in a local
 * KVS, the release router applied by a local edge, and switches made by the KVS client.
 */
const moto = motoSuite('release-edge')
let kvs: LocalKvs
let edge: LocalEdge | undefined

beforeEach(async () => {
  kvs = await startLocalKvs()
})
afterEach(async () => {
  await edge?.close()
  edge = undefined
  await kvs.close()
})

const env = awsEnv('')
const credentials = {
  accessKeyId: env.AWS_ACCESS_KEY_ID as string,
  secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string
}

function s3(): S3Client {
  return new S3Client({
    region: 'us-east-1',
    endpoint: moto.endpoint,
    forcePathStyle: true,
    credentials
  })
}

/** Puts a small site (one build, named `build`) under `folder` in the bucket. */
async function putSite(bucket: string, folder: string, build: string): Promise<void> {
  const client = s3()
  const files: Record<string, [string, string]> = {
    'index.html': [`<h1>home ${build}</h1>`, 'text/html'],
    'about/index.html': [`<h1>about ${build}</h1>`, 'text/html'],
    'app.js': [`console.log('${build}')`, 'text/javascript']
  }
  for (const [name, [body, type]] of Object.entries(files)) {
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `${folder}${name}`,
        Body: body,
        ContentType: type
      })
    )
  }
}

async function get(path: string): Promise<{ status: number; body: string; type: string | null }> {
  const res = await fetch(`${(edge as LocalEdge).url}${path}`)
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') }
}

/** What the deploy will do to go live: read the store's ETag, then one conditional write. */
async function goLive(key: string, release: string): Promise<void> {
  const client = createKvsClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' }
  })
  const saved = process.env.AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE
  process.env.AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE = kvs.url
  try {
    const { etag } = await describeStore(client, kvs.arn)
    await switchRelease(client, { arn: kvs.arn, key, release, etag })
  } finally {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE
    else process.env.AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE = saved
  }
}

test('the live release is served from moto, switching needs no invalidation, and rolling back neither', async () => {
  const bucket = await moto.newBucket()
  await putSite(bucket, releasePrefix('', 'R1'), 'one')
  await putSite(bucket, releasePrefix('', 'R2'), 'two')
  await s3().send(
    new PutObjectCommand({ Bucket: bucket, Key: '.s3-cloudfront-deploy.json', Body: '{}' })
  )
  edge = await startLocalEdge({
    s3Endpoint: moto.endpoint,
    credentials,
    bucket,
    kvs: kvs.data,
    cache: true
  })
  const key = releaseKey('', '')

  await goLive(key, 'R1')
  expect(await get('/')).toEqual({ status: 200, body: '<h1>home one</h1>', type: 'text/html' })
  expect((await get('/about')).body).toBe('<h1>about one</h1>')
  expect((await get('/about/')).body).toBe('<h1>about one</h1>')
  expect((await get('/app.js')).body).toBe("console.log('one')")

  // The action's own objects are never served, nor a release asked for by its folder.
  expect((await get('/.s3-cloudfront-deploy.json')).status).toBe(404)
  expect((await get('/_releases/R2/index.html')).status).toBe(404)

  // The switch: the very next request is the new build, though the old one is still cached.
  await goLive(key, 'R2')
  expect((await get('/')).body).toBe('<h1>home two</h1>')
  expect((await get('/app.js')).body).toBe("console.log('two')")

  // Rollback is the same write; the old build's cache entries serve it without the origin.
  const before = edge.originRequests.length
  await goLive(key, 'R1')
  expect((await get('/')).body).toBe('<h1>home one</h1>')
  expect((await get('/app.js')).body).toBe("console.log('one')")
  expect(edge.originRequests.length).toBe(before)
  expect(edge.originRequests).toContain(`GET /${bucket}/_releases/R2/index.html`)
})

test('a site under a prefix behind an origin path, beside a root site not in release mode', async () => {
  const bucket = await moto.newBucket()
  // The distribution serves the bucket's `site/` folder: origin path `/site`.
  await putSite(bucket, 'site/', 'plain')
  await putSite(bucket, releasePrefix('site/pr-7/', 'P1'), 'preview')
  edge = await startLocalEdge({
    s3Endpoint: moto.endpoint,
    credentials,
    bucket,
    originPath: '/site',
    kvs: kvs.data
  })

  // No key yet: the root site is served as deployed without release mode.
  expect((await get('/index.html')).body).toBe('<h1>home plain</h1>')
  expect((await get('/pr-7/')).status).toBe(404)

  await goLive(releaseKey('site/pr-7/', 'site/'), 'P1')
  expect((await get('/pr-7/')).body).toBe('<h1>home preview</h1>')
  expect((await get('/pr-7/about')).body).toBe('<h1>about preview</h1>')
  expect((await get('/index.html')).body).toBe('<h1>home plain</h1>')
  expect(edge.originRequests).toContain(`GET /${bucket}/site/pr-7/_releases/P1/about/index.html`)
})
