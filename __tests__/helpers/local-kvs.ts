import * as http from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A CloudFront KeyValueStore API endpoint on 127.0.0.1 (moto has none), for the SDK client as it
 * is: real requests, real SigV4A signatures. It keeps AWS's documented rules
 * (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_Operations_Amazon_CloudFront_KeyValueStore.html):
 * - DescribeKeyValueStore, `GET /key-value-stores/{KvsARN}`: the store's metadata, and its
 *   current version in the `ETag` header (API_kvs_DescribeKeyValueStore.html).
 * - GetKey, `GET /key-value-stores/{KvsARN}/keys/{Key}`: `{ Key, Value, ItemCount,
 *   TotalSizeInBytes }`; a missing key is ResourceNotFoundException, 404 (API_kvs_GetKey.html).
 * - PutKey, `PUT …/keys/{Key}` with `If-Match`, body `{ Value }` (API_kvs_PutKey.html), and
 *   UpdateKeys, `POST …/keys` with `If-Match`, body `{ Puts, Deletes }`, all or nothing
 *   (API_kvs_UpdateKeys.html): `If-Match` must be the store's current ETag, else
 *   ConflictException, 409; a write answers the new ETag.
 * - Keys are 1 to 1,024 characters (PutKey's constraints); values at most 1 KB, the KVS quota
 *   (cloudfront-limits.html): ValidationException, 400.
 * - Every request must be signed with SigV4A (algorithm `AWS4-ECDSA-P256-SHA256`, region set
 *   `*`), as the KVS API requires (cloudfront-function-restrictions.html): else 403.
 * Errors are sent as restJson1 does: `x-amzn-ErrorType` and `{ "message": … }`.
 */
export interface LocalKvs {
  url: string
  arn: string
  /** The store's keys and values: tests read and seed it directly. */
  data: Map<string, string>
  etag(): string
  /** Each request's operation and Authorization algorithm, in order. */
  requests: { operation: string; algorithm: string; regionSet: string | undefined }[]
  close(): Promise<void>
}

export const KVS_ARN =
  'arn:aws:cloudfront::123456789012:key-value-store/9b5a1c3e-2f4d-4e6a-8b7c-0d1e2f3a4b5c'

const SIGV4A = 'AWS4-ECDSA-P256-SHA256'
const MAX_VALUE_BYTES = 1024

class KvsError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string
  ) {
    super(message)
  }
}

export async function startLocalKvs(arn = KVS_ARN): Promise<LocalKvs> {
  const data = new Map<string, string>()
  let version = 1
  const created = new Date()
  let modified = created
  const etag = () => `ETVPDKIKX0DE${version.toString(36).toUpperCase()}`
  const requests: LocalKvs['requests'] = []
  const size = () =>
    [...data].reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0)
  const summary = () => ({ ItemCount: data.size, TotalSizeInBytes: size() })

  const write = (ifMatch: string | undefined, apply: () => void) => {
    if (!ifMatch) throw new KvsError(400, 'ValidationException', 'If-Match is required')
    if (ifMatch !== etag()) {
      throw new KvsError(
        409,
        'ConflictException',
        `The ETag ${ifMatch} is not the store's current version`
      )
    }
    apply()
    version++
    modified = new Date()
  }
  const checkPut = (key: string, value: unknown) => {
    if (key.length < 1 || key.length > 1024)
      throw new KvsError(400, 'ValidationException', 'Key must be 1 to 1024 characters')
    if (typeof value !== 'string' || Buffer.byteLength(value) > MAX_VALUE_BYTES) {
      throw new KvsError(400, 'ValidationException', 'Value must be a string of at most 1 KB')
    }
  }

  const handle = (
    req: http.IncomingMessage,
    body: string
  ): { status: number; etag?: string; json: unknown } => {
    const auth = req.headers.authorization ?? ''
    const algorithm = auth.split(' ')[0] ?? ''
    const regionSet = req.headers['x-amz-region-set'] as string | undefined
    const url = new URL(req.url ?? '/', 'http://localhost')
    const parts = url.pathname.split('/').slice(1).map(decodeURIComponent)
    const [root, storeArn, keysPart, key] = parts
    const operation =
      req.method === 'GET' && parts.length === 2
        ? 'DescribeKeyValueStore'
        : req.method === 'GET' && parts.length === 4
          ? 'GetKey'
          : req.method === 'PUT' && parts.length === 4
            ? 'PutKey'
            : req.method === 'POST' && parts.length === 3
              ? 'UpdateKeys'
              : 'Unknown'
    requests.push({ operation, algorithm, regionSet })
    if (algorithm !== SIGV4A || regionSet !== '*') {
      throw new KvsError(
        403,
        'AccessDeniedException',
        `Requests must be signed with SigV4A (${SIGV4A}, region set *), got '${algorithm}'`
      )
    }
    if (
      root !== 'key-value-stores' ||
      (parts.length > 2 && keysPart !== 'keys') ||
      operation === 'Unknown'
    ) {
      throw new KvsError(404, 'UnknownOperationException', `${req.method} ${url.pathname}`)
    }
    if (storeArn !== arn)
      throw new KvsError(404, 'ResourceNotFoundException', `No key value store ${storeArn}`)
    const ifMatch = req.headers['if-match'] as string | undefined
    switch (operation) {
      case 'DescribeKeyValueStore':
        return {
          status: 200,
          etag: etag(),
          json: {
            ...summary(),
            KvsARN: arn,
            Created: created.getTime() / 1000,
            LastModified: modified.getTime() / 1000,
            Status: 'READY'
          }
        }
      case 'GetKey': {
        const value = data.get(key as string)
        if (value === undefined)
          throw new KvsError(404, 'ResourceNotFoundException', `Key ${key} not found`)
        return { status: 200, json: { Key: key, Value: value, ...summary() } }
      }
      case 'PutKey': {
        const value = (JSON.parse(body || '{}') as { Value?: unknown }).Value
        checkPut(key as string, value)
        write(ifMatch, () => data.set(key as string, value as string))
        return { status: 200, etag: etag(), json: summary() }
      }
      default: {
        const { Puts = [], Deletes = [] } = JSON.parse(body || '{}') as {
          Puts?: { Key: string; Value: unknown }[]
          Deletes?: { Key: string }[]
        }
        for (const put of Puts) checkPut(put.Key, put.Value)
        write(ifMatch, () => {
          for (const put of Puts) data.set(put.Key, put.Value as string)
          for (const del of Deletes) data.delete(del.Key)
        })
        return { status: 200, etag: etag(), json: summary() }
      }
    }
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', c => chunks.push(c))
    req.on('end', () => {
      let out: { status: number; etag?: string; json: unknown }
      const headers: Record<string, string> = { 'content-type': 'application/json' }
      try {
        out = handle(req, Buffer.concat(chunks).toString('utf8'))
        if (out.etag) headers.etag = out.etag
      } catch (err) {
        const e =
          err instanceof KvsError ? err : new KvsError(500, 'InternalServerException', String(err))
        out = { status: e.status, json: { message: e.message } }
        headers['x-amzn-errortype'] = e.type
      }
      res.writeHead(out.status, headers).end(JSON.stringify(out.json))
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    arn,
    data,
    etag,
    requests,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
