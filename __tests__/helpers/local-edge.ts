import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3'
import {
  cloudfrontModule,
  loadFunction,
  RELEASE_ROUTER,
  viewerRequest,
  type ViewerRequestEvent
} from './cloudfront-function'

/**
 * A stand-in for a CloudFront edge in front of an S3 bucket (moto has no CloudFront Functions):
 * each viewer request becomes the documented viewer-request event, runs through the function
 * (edge/release-router.js by default) with `kvs` as its KeyValueStore, and then either the
 * function's own response is sent, or the rewritten URI is fetched from the bucket (path-style,
 * behind the origin path, signed as origin access control signs CloudFront's requests to S3).
 *
 * With `cache`, responses are kept by the URI the function returned (and the query string), as
 * CloudFront's cache key is made after a viewer-request function has run
 * (function-code-choose-purpose.html): what a release leaves in the cache is never served for
 * another release, without any invalidation.
 */
export interface LocalEdge {
  url: string
  /** Requests that went to the bucket, as `GET /bucket/key` (cache hits are not here). */
  originRequests: string[]
  close(): Promise<void>
}

export interface LocalEdgeOptions {
  s3Endpoint: string
  credentials: { accessKeyId: string; secretAccessKey: string }
  bucket: string
  /** The distribution's origin path, as CloudFront stores it: '' or '/site'. */
  originPath?: string
  /** The KeyValueStore the function reads: a local KVS's data, read at each request. */
  kvs: { get(key: string): string | undefined }
  cache?: boolean
  functionFile?: string
}

interface Cached {
  status: number
  headers: Record<string, string>
  body: Buffer
}

export async function startLocalEdge(options: LocalEdgeOptions): Promise<LocalEdge> {
  const handler = loadFunction(
    cloudfrontModule(key => options.kvs.get(key)),
    options.functionFile ?? RELEASE_ROUTER
  )
  const cache = new Map<string, Cached>()
  const originRequests: string[] = []

  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: options.s3Endpoint,
    forcePathStyle: true,
    credentials: options.credentials,
    maxAttempts: 1
  })
  const fromOrigin = async (method: string, uri: string): Promise<Cached> => {
    const path = `${options.originPath ?? ''}${uri}`
    originRequests.push(`${method} /${options.bucket}${path}`)
    // S3 decodes the path it is sent: the key is the decoded URI without its leading slash.
    const target = { Bucket: options.bucket, Key: decodeURIComponent(path).slice(1) }
    try {
      const out =
        method === 'HEAD'
          ? await s3.send(new HeadObjectCommand(target))
          : await s3.send(new GetObjectCommand(target))
      const headers: Record<string, string> = {}
      const values: Record<string, unknown> = {
        'content-type': out.ContentType,
        'content-length': out.ContentLength,
        etag: out.ETag,
        'cache-control': out.CacheControl,
        'last-modified': out.LastModified?.toUTCString()
      }
      for (const [name, value] of Object.entries(values)) {
        if (value !== undefined) headers[name] = String(value)
      }
      const body = 'Body' in out && out.Body ? await out.Body.transformToByteArray() : []
      return { status: 200, headers, body: Buffer.from(body) }
    } catch (err) {
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode
      if (!status) throw err
      return { status, headers: {}, body: Buffer.alloc(0) }
    }
  }

  const serve = async (req: http.IncomingMessage): Promise<Cached> => {
    const url = new URL(req.url ?? '/', 'http://edge.invalid')
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers[name] = value
    }
    const event: ViewerRequestEvent = viewerRequest(url.pathname, {
      method: req.method ?? 'GET',
      querystring: url.search.slice(1),
      headers
    })
    const out = await handler(event)
    if ('statusCode' in out) return { status: out.statusCode, headers: {}, body: Buffer.alloc(0) }
    const method = out.method === 'HEAD' ? 'HEAD' : 'GET'
    const key = `${method} ${out.uri}${url.search}`
    const hit = options.cache ? cache.get(key) : undefined
    if (hit) return hit
    const fetched = await fromOrigin(method, out.uri)
    if (options.cache && fetched.status === 200) cache.set(key, fetched)
    return fetched
  }

  const server = http.createServer((req, res) => {
    serve(req).then(
      out => res.writeHead(out.status, out.headers).end(out.body),
      err => res.writeHead(502, { 'content-type': 'text/plain' }).end(String(err))
    )
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    originRequests,
    close: () =>
      new Promise<void>(resolve => {
        s3.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
