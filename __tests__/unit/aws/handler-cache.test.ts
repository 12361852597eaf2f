/** The S3 client's handler cache, kept per abort signal, against a small local HTTP endpoint. */
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { createS3Client } from '../../../src/aws/clients'

let server: http.Server
let url: string
/** Requests the endpoint has seen close before it answered. */
let dropped = 0
/** Keys the endpoint holds without answering. */
const stalled = new Set<string>()

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume()
    if (stalled.has(new URL(req.url ?? '/', 'http://x').pathname)) {
      res.on('close', () => dropped++)
      return
    }
    res.writeHead(200, { etag: '"d41d8cd98f00b204e9800998ecf8427e"' })
    res.end()
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise(r => server.close(r))
})

const client = (cacheMiddleware: boolean) =>
  createS3Client({
    region: 'us-east-1',
    endpoint: url,
    forcePathStyle: true,
    concurrency: 4,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    cacheMiddleware
  })

const put = (key: string) => new PutObjectCommand({ Bucket: 'b', Key: key, Body: 'x' })

/** How many times each command type's middleware was resolved while `run` ran. */
async function resolutions(run: () => Promise<unknown>) {
  const spies = [PutObjectCommand, HeadObjectCommand].map(type =>
    jest.spyOn(type.prototype, 'resolveMiddleware')
  )
  try {
    await run()
    return spies.map(s => s.mock.calls.length)
  } finally {
    for (const s of spies) s.mockRestore()
  }
}

test('sends with one signal resolve each command type once', async () => {
  const s3 = client(true)
  const signal = new AbortController().signal
  const counts = await resolutions(async () => {
    for (let i = 0; i < 5; i++) await s3.send(put(`k${i}`), { abortSignal: signal })
    await s3.send(new HeadObjectCommand({ Bucket: 'b', Key: 'k0' }), { abortSignal: signal })
    await s3.send(new HeadObjectCommand({ Bucket: 'b', Key: 'k1' }), { abortSignal: signal })
  })
  expect(counts).toEqual([1, 1])
})

test('another signal gets its own handler; a send without options keeps the SDK cache', async () => {
  const s3 = client(true)
  const counts = await resolutions(async () => {
    await s3.send(put('a'), { abortSignal: new AbortController().signal })
    await s3.send(put('b'), { abortSignal: new AbortController().signal })
    await s3.send(put('c'))
    await s3.send(put('d'))
  })
  expect(counts).toEqual([3, 0])
})

test('a client without cacheMiddleware resolves every send, as the SDK does', async () => {
  const s3 = client(false)
  const signal = new AbortController().signal
  const counts = await resolutions(async () => {
    await s3.send(put('a'), { abortSignal: signal })
    await s3.send(put('b'), { abortSignal: signal })
  })
  expect(counts).toEqual([2, 0])
})

test('the signal still aborts a request in flight, through a cached handler', async () => {
  const s3 = client(true)
  const cancel = new AbortController()
  await s3.send(put('warm'), { abortSignal: cancel.signal })
  stalled.add('/b/slow')
  const before = dropped
  const sent = s3.send(put('slow'), { abortSignal: cancel.signal })
  await new Promise(r => setTimeout(r, 100))
  cancel.abort()
  await expect(sent).rejects.toThrow(/abort/i)
  for (let i = 0; i < 50 && dropped === before; i++) await new Promise(r => setTimeout(r, 20))
  expect(dropped).toBe(before + 1)
  stalled.delete('/b/slow')
})

test('an answer reaches the caller as the output, as from the SDK', async () => {
  const s3 = client(true)
  const out = await s3.send(put('e'), { abortSignal: new AbortController().signal })
  expect(out.ETag).toBe('"d41d8cd98f00b204e9800998ecf8427e"')
  expect(out.$metadata.httpStatusCode).toBe(200)
})
