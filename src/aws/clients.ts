import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3'
import { CloudFrontClient } from '@aws-sdk/client-cloudfront'

export interface ClientOptions {
  region: string
  /** Parallel requests: also the size of the keep-alive socket pool. */
  concurrency: number
  /** Explicit credentials (an assumed role); otherwise the SDK's default chain. */
  credentials?: S3ClientConfig['credentials']
  /** Overridable for tests; the defaults suit CI. */
  timeouts?: { connectionMs: number; socketMs: number }
  endpoint?: string
}

const TIMEOUTS = { connectionMs: 10_000, socketMs: 30_000 }

/** Sized for deploys of thousands of files, where a few throttled requests are normal. */
export const MAX_ATTEMPTS = 8

function common(options: ClientOptions) {
  const timeouts = options.timeouts ?? TIMEOUTS
  return {
    region: options.region,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    maxAttempts: MAX_ATTEMPTS,
    retryMode: 'standard',
    requestHandler: {
      // Keep-alive: one TLS handshake per socket, not per file.
      httpAgent: { keepAlive: true, maxSockets: options.concurrency },
      httpsAgent: { keepAlive: true, maxSockets: options.concurrency },
      connectionTimeout: timeouts.connectionMs,
      // A connection that stops moving for this long is dropped and the request retried, so one
      // hung connection cannot stall the deploy.
      socketTimeout: timeouts.socketMs
    }
  } as const
}

export function createS3Client(options: ClientOptions): S3Client {
  // Endpoints (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_S3) and credentials come from the SDK's chain.
  // Checksums only when S3 requires them: we send Content-MD5 on every upload ourselves.
  return new S3Client({
    ...common(options),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED'
  })
}

export function createCloudFrontClient(options: ClientOptions): CloudFrontClient {
  return new CloudFrontClient(common({ ...options, concurrency: Math.min(options.concurrency, 4) }))
}
