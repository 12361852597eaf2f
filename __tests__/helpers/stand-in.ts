import { createHash, randomBytes } from 'node:crypto'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A stand-in for AWS in front of moto_server: it forwards every request, and where AWS documents
 * stricter behaviour than moto shows, it behaves as AWS does. Each behaviour is off until a test
 * switches it on (`standIn.modes.x = …`), and cites the page of the AWS documentation that
 * defines it. Every request is logged with what became of it, so a test can tell what reached
 * the store and when.
 */
export interface StandInModes {
  /**
   * SSE-KMS and DSSE-KMS objects (by request or by the bucket's default encryption, as moto's
   * `x-amz-server-side-encryption` response header says) get ETags that are not MD5s, new on
   * every write, in PUT, multipart, copy, HEAD, GET and listing answers.
   * https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html ("Objects encrypted by
   * SSE-C or SSE-KMS have ETags that are not an MD5 digest of their object data.")
   */
  kmsEtags?: boolean
  /**
   * Conditional writes to one key that overlap: the later one gets 409 ConditionalRequestConflict,
   * and moto's check-then-write can no longer let both pass.
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html ("If a conflicting
   * operation occurs during the upload S3 returns a 409 ConditionalRequestConflict response.")
   */
  conditionalConflicts?: boolean
  /**
   * Matching conditional writes are answered 409 ConditionalRequestConflict, as if another
   * conditional write to the key were in flight (same page as conditionalConflicts).
   */
  conflict?: (request: RequestInfo) => boolean
  /** A store without conditional writes: If-Match and If-None-Match are dropped on the way. */
  ignoreConditions?: boolean
  /** As Ceph RGW 16: an If-Match on a write matches only the unquoted ETag. */
  unquotedIfMatchOnly?: boolean
  /**
   * Requests that reach the store and commit, whose answer is then lost as a 500: the SDK retries
   * a write that already landed. https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
   * (500 InternalError: "We encountered an internal error. Please try again.")
   */
  failAfterCommit?: (request: RequestInfo) => boolean
  /**
   * PUT bodies (PutObject, UploadPart) are checked against their Content-MD5: 400 BadDigest.
   * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html ("To ensure that data is
   * not corrupted traversing the network, use the Content-MD5 header. When you use this header,
   * Amazon S3 checks the object against the provided MD5 value and, if they do not match, Amazon
   * S3 returns an error.")
   */
  contentMd5?: boolean
  /** Matching requests get one byte of their body flipped on the way: corruption in transit. */
  corrupt?: (request: RequestInfo) => boolean
  /**
   * Requests held this long before they are forwarded (a stalled runner, a slow network). One
   * whose client gives up meanwhile is dropped: it never reaches the store.
   */
  holdMs?: (request: RequestInfo) => number
  /**
   * S3's clock is this far ahead of the machine's (negative: behind): Date and Last-Modified,
   * in headers and listings, are shifted by it, as a runner whose clock is off sees them.
   */
  serverClockOffsetMs?: number
  /**
   * Invalidations stay InProgress this long after their creation.
   * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/Invalidation.html
   */
  invalidationInProgressMs?: number
  /**
   * CreateInvalidation refused with TooManyInvalidationsInProgress past 15 wildcard paths or 3,000
   * paths in progress on a distribution.
   * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html#limits-invalidations
   */
  invalidationLimits?: boolean
  /**
   * A distribution's ETag changes on every update, and UpdateDistribution needs the current one in
   * If-Match (412 PreconditionFailed otherwise).
   * https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_UpdateDistribution.html
   */
  changingDistributionEtag?: boolean
}

export interface RequestInfo {
  method: string
  /** The path alone, e.g. `/bucket/css/a.css`. */
  path: string
  /** Path and query. */
  url: string
  headers: http.IncomingHttpHeaders
}

export interface StandInRequest extends RequestInfo {
  seq: number
  service: 's3' | 'cloudfront' | 'sts'
  /** When it arrived, was sent on to moto (if it was), and was answered or dropped (ms). */
  receivedAt: number
  forwardedAt?: number
  doneAt: number
  /**
   * forwarded: moto saw it. committed-then-500: moto saw it, the client got a 500. dropped: the
   * client gave up while it was held, so moto never saw it. refused: answered by the stand-in.
   */
  outcome: 'forwarded' | 'committed-then-500' | 'dropped' | 'refused'
  status: number
}

export interface StandIn {
  url: string
  modes: StandInModes
  log: StandInRequest[]
  /** Writes (PUT, POST, DELETE) of the store's objects that reached moto. */
  writes(): StandInRequest[]
  close(): Promise<void>
}

const KMS = /^aws:kms(:dsse)?$/
const unquote = (etag: string) => etag.replace(/^(W\/)?"|"$/g, '')

function xmlError(res: http.ServerResponse, status: number, code: string, message: string) {
  res
    .writeHead(status, { 'content-type': 'application/xml' })
    .end(`<Error><Code>${code}</Code><Message>${message}</Message></Error>`)
}

export async function startStandIn(target: string, modes: StandInModes = {}): Promise<StandIn> {
  const upstream = new URL(target)
  const log: StandInRequest[] = []
  /** KMS objects: the ETag moto gave them, and the one the stand-in shows instead. */
  const kmsEtags = new Map<string, { real: string; shown: string }>()
  /** Keys with a conditional write in flight. */
  const conditionalInFlight = new Set<string>()
  const invalidations = new Map<
    string,
    { createdAt: number; distribution: string; paths: number; wildcards: number }
  >()
  const distributionEtags = new Map<string, string>()
  const newEtag = (parts?: string) =>
    `${randomBytes(16).toString('hex')}${parts ? `-${parts}` : ''}`

  const inProgress = (id: string) => {
    const inv = invalidations.get(id)
    return !!inv && Date.now() - inv.createdAt < (modes.invalidationInProgressMs ?? 0)
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', c => chunks.push(c))
    req.on('end', () => void handle(req, res, Buffer.concat(chunks)))
  })

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, sent: Buffer) {
    let body = sent
    const url = req.url ?? '/'
    const path = url.split('?')[0] as string
    const query = new URLSearchParams(url.split('?')[1] ?? '')
    const method = req.method ?? 'GET'
    const headers = { ...req.headers }
    const service = path.startsWith('/2020-05-31/')
      ? 'cloudfront'
      : /Action=AssumeRole/.test(body.toString('latin1', 0, 200))
        ? 'sts'
        : 's3'
    const entry: StandInRequest = {
      seq: log.length,
      method,
      path,
      url,
      headers,
      service,
      receivedAt: Date.now(),
      doneAt: 0,
      outcome: 'forwarded',
      status: 0
    }
    log.push(entry)
    const done = (outcome: StandInRequest['outcome'], status: number) => {
      entry.outcome = outcome
      entry.status = status
      entry.doneAt = Date.now()
    }
    const info: RequestInfo = { method, path, url, headers }
    const objectKey = decodeURIComponent(path.slice(1))

    const hold = modes.holdMs?.(info) ?? 0
    if (hold > 0) {
      await new Promise(r => setTimeout(r, hold))
      if (req.socket.destroyed || res.writableEnded) return done('dropped', 0)
    }

    if (service === 's3' && modes.corrupt?.(info) && body.length > 0) {
      body = Buffer.from(body)
      body[body.length >> 1] = (body[body.length >> 1] as number) ^ 0xff
    }
    const md5Header = headers['content-md5']
    if (service === 's3' && modes.contentMd5 && method === 'PUT' && typeof md5Header === 'string') {
      if (createHash('md5').update(body).digest('base64') !== md5Header) {
        xmlError(
          res,
          400,
          'BadDigest',
          'The Content-MD5 you specified did not match what we received.'
        )
        return done('refused', 400)
      }
    }

    const conflict = () => {
      xmlError(
        res,
        409,
        'ConditionalRequestConflict',
        'A conflicting conditional operation is currently in progress against this resource. Please try again.'
      )
      done('refused', 409)
    }

    if (service === 's3') {
      const conditional =
        headers['if-match'] !== undefined || headers['if-none-match'] !== undefined
      const isWrite = method === 'PUT' || (method === 'POST' && query.has('uploadId'))
      if (modes.ignoreConditions && (isWrite || method === 'DELETE')) {
        delete headers['if-match']
        delete headers['if-none-match']
      }
      const ifMatch = headers['if-match']
      if (isWrite && typeof ifMatch === 'string') {
        if (modes.unquotedIfMatchOnly && ifMatch.startsWith('"')) {
          xmlError(res, 412, 'PreconditionFailed', '')
          return done('refused', 412)
        }
        const kms = kmsEtags.get(objectKey)
        if (modes.kmsEtags && kms && unquote(ifMatch) === kms.shown)
          headers['if-match'] = `"${kms.real}"`
      }
      if (isWrite && conditional && modes.conflict?.(info)) {
        return conflict()
      }
      if (modes.conditionalConflicts && isWrite && conditional && !modes.ignoreConditions) {
        if (conditionalInFlight.has(objectKey)) {
          return conflict()
        }
        conditionalInFlight.add(objectKey)
        res.on('close', () => conditionalInFlight.delete(objectKey))
      }
    }

    if (service === 'cloudfront' && method === 'POST' && path.endsWith('/invalidation')) {
      const distribution = path.split('/')[3] as string
      const paths = [...body.toString('utf8').matchAll(/<Path>([^<]*)<\/Path>/g)].map(m => m[1])
      const wildcards = paths.filter(p => p?.endsWith('*')).length
      if (modes.invalidationLimits) {
        let flightPaths = 0
        let flightWildcards = 0
        for (const [id, inv] of invalidations) {
          if (inv.distribution !== distribution || !inProgress(id)) continue
          flightPaths += inv.paths
          flightWildcards += inv.wildcards
        }
        if (flightWildcards + wildcards > 15 || flightPaths + paths.length > 3000) {
          res
            .writeHead(400, { 'content-type': 'text/xml' })
            .end(
              '<?xml version="1.0"?><ErrorResponse xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Error><Type>Sender</Type><Code>TooManyInvalidationsInProgress</Code><Message>Processing your request will cause you to exceed the maximum number of in-progress wildcard invalidations.</Message></Error><RequestId>stand-in</RequestId></ErrorResponse>'
            )
          return done('refused', 400)
        }
      }
      const answer = await forward(entry, headers, method, url, body)
      const id = /<Id>([^<]+)<\/Id>/.exec(answer.body.toString('utf8'))?.[1]
      if (id && answer.status < 300) {
        invalidations.set(id, {
          createdAt: Date.now(),
          distribution,
          paths: paths.length,
          wildcards
        })
      }
      return reply(answer, text => (id && inProgress(id) ? showInProgress(text) : text))
    }

    if (service === 'cloudfront' && modes.changingDistributionEtag) {
      const m = /^\/2020-05-31\/distribution\/([^/]+)(\/config)?$/.exec(path)
      if (m) {
        const id = m[1] as string
        if (!distributionEtags.has(id))
          distributionEtags.set(id, newEtag().slice(0, 14).toUpperCase())
        if (method === 'PUT') {
          if (headers['if-match'] !== distributionEtags.get(id)) {
            res
              .writeHead(412, { 'content-type': 'text/xml' })
              .end(
                '<?xml version="1.0"?><ErrorResponse xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Error><Type>Sender</Type><Code>PreconditionFailed</Code><Message>The precondition given in one or more of the request header fields evaluated to false.</Message></Error><RequestId>stand-in</RequestId></ErrorResponse>'
              )
            return done('refused', 412)
          }
          distributionEtags.set(id, newEtag().slice(0, 14).toUpperCase())
        }
        const answer = await forward(entry, headers, method, url, body)
        answer.headers.etag = distributionEtags.get(id)
        return reply(answer)
      }
    }

    if (service === 'cloudfront' && method === 'GET' && /\/invalidation(\/|$)/.test(path)) {
      const answer = await forward(entry, headers, method, url, body)
      return reply(answer, text =>
        text.replace(
          /<Id>([^<]+)<\/Id>((?:(?!<Id>)[\s\S])*?)<Status>[^<]*<\/Status>/g,
          (all, id: string, between: string) =>
            inProgress(id) ? `<Id>${id}</Id>${between}<Status>InProgress</Status>` : all
        )
      )
    }

    const answer = await forward(entry, headers, method, url, body)
    if (service === 's3' && modes.failAfterCommit?.(info) && answer.status < 300) {
      xmlError(res, 500, 'InternalError', 'We encountered an internal error. Please try again.')
      return done('committed-then-500', 500)
    }
    if (service === 's3' && modes.kmsEtags) rewriteKmsEtags(answer, method, objectKey, query)
    if (modes.serverClockOffsetMs) shiftClock(answer, modes.serverClockOffsetMs)
    reply(answer)

    function reply(answer: Answer, edit?: (text: string) => string) {
      let out = answer.body
      if (edit) out = Buffer.from(edit(out.toString('utf8')))
      const h = { ...answer.headers }
      delete h['content-length']
      delete h['transfer-encoding']
      res.writeHead(answer.status, { ...h, 'content-length': String(out.length) }).end(out)
      done('forwarded', answer.status)
    }
  }

  /** What a KMS object's ETag looks like to a client: not its MD5, and new on every write. */
  function rewriteKmsEtags(answer: Answer, method: string, key: string, query: URLSearchParams) {
    const sse = String(answer.headers['x-amz-server-side-encryption'] ?? '')
    const text = () => answer.body.toString('utf8')
    if (method === 'GET' && query.get('list-type') === '2') {
      const bucket = key.split('/')[0]
      answer.body = Buffer.from(
        text().replace(
          /<Key>([^<]*)<\/Key>([\s\S]*?)<ETag>(?:&quot;|")([^<"&]+)(?:&quot;|")<\/ETag>/g,
          (all, k: string, between: string, real: string) => {
            const kms = kmsEtags.get(`${bucket}/${unescapeXml(k)}`)
            return kms && kms.real === real
              ? `<Key>${k}</Key>${between}<ETag>&quot;${kms.shown}&quot;</ETag>`
              : all
          }
        )
      )
      return
    }
    if (!KMS.test(sse) || answer.status >= 300) return
    const isWrite = method === 'PUT' || method === 'POST'
    const swap = (real: string) => {
      const known = kmsEtags.get(key)
      if (!isWrite && known?.real === real) return known.shown
      const shown = newEtag(/-(\d+)$/.exec(real)?.[1])
      kmsEtags.set(key, { real, shown })
      return shown
    }
    if (query.has('uploadId') && method === 'PUT') return // UploadPart: part ETags stay
    const headerEtag = answer.headers.etag
    if (typeof headerEtag === 'string' && headerEtag !== '') {
      answer.headers.etag = `"${swap(unquote(headerEtag))}"`
    }
    // CompleteMultipartUpload and CopyObject carry it in the body.
    answer.body = Buffer.from(
      text().replace(
        /<ETag>(?:&quot;|")([^<"&]+)(?:&quot;|")<\/ETag>/,
        (_all, real: string) => `<ETag>&quot;${swap(real)}&quot;</ETag>`
      )
    )
  }

  interface Answer {
    status: number
    headers: http.IncomingHttpHeaders
    body: Buffer
  }

  function forward(
    entry: StandInRequest,
    headers: http.IncomingHttpHeaders,
    method: string,
    url: string,
    body: Buffer
  ): Promise<Answer> {
    entry.forwardedAt = Date.now()
    return new Promise(resolve => {
      const request = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method,
          path: url,
          headers: { ...headers, host: upstream.host }
        },
        response => {
          const parts: Buffer[] = []
          response.on('data', c => parts.push(c))
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 502,
              headers: response.headers,
              body: Buffer.concat(parts)
            })
          )
        }
      )
      request.on('error', err =>
        resolve({ status: 502, headers: {}, body: Buffer.from(String(err)) })
      )
      request.end(body)
    })
  }

  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    modes,
    log,
    writes: () =>
      log.filter(
        r =>
          r.service === 's3' &&
          ['PUT', 'POST', 'DELETE'].includes(r.method) &&
          (r.outcome === 'forwarded' || r.outcome === 'committed-then-500')
      ),
    close: () =>
      new Promise(r => {
        server.closeAllConnections()
        server.close(() => r())
      })
  }
}

/** The times of an answer, as a store whose clock is `offsetMs` off ours gives them. */
function shiftClock(answer: { headers: http.IncomingHttpHeaders; body: Buffer }, offsetMs: number) {
  const shift = (date: string) => new Date(Date.parse(date) + offsetMs)
  for (const name of ['date', 'last-modified'] as const) {
    const value = answer.headers[name]
    if (typeof value === 'string') answer.headers[name] = shift(value).toUTCString()
  }
  const text = answer.body.toString('utf8')
  if (text.includes('<LastModified>')) {
    answer.body = Buffer.from(
      text.replace(
        /<LastModified>([^<]+)<\/LastModified>/g,
        (_m, date: string) => `<LastModified>${shift(date).toISOString()}</LastModified>`
      )
    )
  }
}

function showInProgress(text: string): string {
  return text.replace(/<Status>[^<]*<\/Status>/, '<Status>InProgress</Status>')
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)))
    .replace(/&amp;/g, '&')
}

/**
 * One stand-in per test file, in front of the file's moto_server: started before its tests,
 * stopped after them, its modes switched off and its log emptied before each test. Call at the
 * top level of a test file, after motoSuite.
 */
export function standInSuite(moto: { readonly endpoint: string }): { readonly current: StandIn } {
  let standIn: StandIn | undefined
  beforeAll(async () => {
    standIn = await startStandIn(moto.endpoint)
  })
  afterAll(async () => {
    await standIn?.close()
  })
  beforeEach(() => {
    if (!standIn) return
    for (const mode of Object.keys(standIn.modes)) delete standIn.modes[mode as keyof StandInModes]
    standIn.log.length = 0
  })
  return {
    get current() {
      if (!standIn) throw new Error('the stand-in is not running')
      return standIn
    }
  }
}
