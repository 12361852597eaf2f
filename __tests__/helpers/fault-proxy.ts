import * as http from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request as the proxy saw it: what was asked and what happened to it. */
export interface LoggedRequest {
  seq: number
  method: string
  /** Path and query, e.g. `/bucket/css/a.css?x-id=PutObject` or `/bucket?delete=`. */
  url: string
  /** The path alone. */
  path: string
  service: 's3' | 'cloudfront' | 'sts'
  /** 'forwarded' (reached moto), or the fault injected instead. */
  outcome: 'forwarded' | 'slowdown' | 'reset' | 'throttled' | 'failed'
  status: number
  /** The Authorization header's access key ID, to see which credentials signed it. */
  accessKeyId: string | undefined
  /** STS answers are kept, to know the credentials it handed out. */
  responseBody?: string
  /** CopyObject's source, when the request is a copy. */
  copySource?: string
}

export interface FaultProxyOptions {
  /** moto_server's endpoint. */
  target: string
  /** Share of S3 requests answered 503 SlowDown instead of being forwarded. */
  slowDownRate?: number
  /** Share of S3 requests whose connection is reset instead. */
  resetRate?: number
  /** How many CreateInvalidation requests are answered 400 Throttling first. */
  throttleInvalidations?: number
  /** A permanent failure for matching requests, e.g. AccessDenied on one key. */
  fail?: (method: string, url: string) => InjectedError | undefined
  seed?: number
  /** Latency to add before forwarding a request (ms), e.g. to make two deploys overlap. */
  delayMs?: (method: string, url: string) => number
}

/** An error answer as S3 words it: `<Error><Code>…</Code><Message>…</Message>extra</Error>`. */
export interface InjectedError {
  status: number
  code: string
  message: string
  /** Response headers, e.g. x-amz-bucket-region on a 301 PermanentRedirect. */
  headers?: Record<string, string>
  /** More XML inside <Error>, e.g. <Endpoint>…</Endpoint>. */
  extra?: string
}

export interface FaultProxy {
  url: string
  requests: LoggedRequest[]
  close(): Promise<void>
}

/**
 * An HTTP proxy in front of moto_server that injects the faults a deploy meets in real life:
 * 503 SlowDown, connection resets, a throttled CreateInvalidation. Faults are decided by a seeded
 * PRNG, so a failing run can be replayed.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  let seed = (options.seed ?? 42) >>> 0
  const random = () => {
    seed = (seed * 1664525 + 1013904223) >>> 0
    return seed / 2 ** 32
  }
  let throttles = options.throttleInvalidations ?? 0
  const requests: LoggedRequest[] = []
  const target = new URL(options.target)

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', c => chunks.push(c))
    req.on('end', () => {
      const url = req.url ?? '/'
      const path = url.split('?')[0] as string
      const method = req.method ?? 'GET'
      const body = Buffer.concat(chunks)
      const service = path.startsWith('/2020-05-31/')
        ? 'cloudfront'
        : /Action=AssumeRole/.test(body.toString('latin1', 0, 200))
          ? 'sts'
          : 's3'
      const accessKeyId = /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1]
      const log = (outcome: LoggedRequest['outcome'], status: number, responseBody?: string) =>
        requests.push({
          seq: requests.length,
          method,
          url,
          path,
          service,
          outcome,
          status,
          accessKeyId,
          ...(responseBody === undefined ? {} : { responseBody }),
          ...(req.headers['x-amz-copy-source']
            ? { copySource: String(req.headers['x-amz-copy-source']) }
            : {})
        })

      const failure = options.fail?.(method, path)
      if (failure) {
        log('failed', failure.status)
        return void res
          .writeHead(failure.status, { 'content-type': 'application/xml', ...failure.headers })
          .end(
            `<Error><Code>${failure.code}</Code><Message>${failure.message}</Message>${failure.extra ?? ''}</Error>`
          )
      }
      if (
        service === 'cloudfront' &&
        method === 'POST' &&
        path.endsWith('/invalidation') &&
        throttles > 0
      ) {
        throttles--
        log('throttled', 400)
        return void res
          .writeHead(400, { 'content-type': 'text/xml' })
          .end(
            '<?xml version="1.0"?><ErrorResponse xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>'
          )
      }
      if (service === 's3') {
        const roll = random()
        if (roll < (options.resetRate ?? 0)) {
          log('reset', 0)
          return void req.socket.destroy()
        }
        if (roll < (options.resetRate ?? 0) + (options.slowDownRate ?? 0)) {
          log('slowdown', 503)
          return void res
            .writeHead(503, { 'content-type': 'application/xml' })
            .end(
              '<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>'
            )
        }
      }
      const delay = options.delayMs?.(method, path) ?? 0
      if (delay > 0) return void setTimeout(() => forward(), delay)
      forward()
      function forward() {
        const upstream = http.request(
          {
            host: target.hostname,
            port: target.port,
            method,
            path: url,
            headers: { ...req.headers, host: target.host }
          },
          up => {
            const body: Buffer[] = []
            up.on('data', c => body.push(c))
            up.on('end', () => {
              const text = service === 'sts' ? Buffer.concat(body).toString('utf8') : undefined
              log('forwarded', up.statusCode ?? 0, text)
              res.writeHead(up.statusCode ?? 502, up.headers).end(Buffer.concat(body))
            })
          }
        )
        upstream.on('error', err => res.writeHead(502).end(String(err)))
        upstream.end(body)
      }
    })
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise(r => {
        server.closeAllConnections()
        server.close(() => r())
      })
  }
}
