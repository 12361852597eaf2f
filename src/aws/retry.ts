export interface RetryOptions {
  /** Give up once this much time has passed since the first attempt. */
  maxElapsedMs: number
  baseDelayMs?: number
  maxDelayMs?: number
  isRetryable: (err: unknown) => boolean
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void
  sleep?: (ms: number) => Promise<void>
  now?: () => number
  random?: () => number
}

export class RetriesExhaustedError extends Error {
  constructor(
    message: string,
    override readonly cause: unknown
  ) {
    super(message)
    this.name = 'RetriesExhaustedError'
  }
}

/**
 * Retries what the SDK's own retries don't cover (e.g. CloudFront's
 * TooManyInvalidationsInProgress), with exponential backoff and full jitter, for a bounded time.
 */
export async function retryFor<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>(r => setTimeout(r, ms)))
  const now = options.now ?? Date.now
  const random = options.random ?? Math.random
  const base = options.baseDelayMs ?? 2000
  const cap = options.maxDelayMs ?? 30_000
  const start = now()
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn()
    } catch (err) {
      const elapsed = now() - start
      if (!options.isRetryable(err)) throw err
      if (elapsed >= options.maxElapsedMs) {
        throw new RetriesExhaustedError(
          `still failing after ${attempt} attempt(s) over ${Math.round(elapsed / 1000)} s: ${describe(err)}`,
          err
        )
      }
      const delay = Math.min(
        options.maxElapsedMs - elapsed,
        Math.round(random() * Math.min(cap, base * 2 ** (attempt - 1)))
      )
      options.onRetry?.(err, attempt, delay)
      await sleep(delay)
    }
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err)
}

/** Error codes worth waiting out: throttling and passing unavailability. */
const TRANSIENT = new Set([
  'TooManyInvalidationsInProgress',
  'Throttling',
  'ThrottlingException',
  'ServiceUnavailable',
  'RequestLimitExceeded',
  'SlowDown'
])

export function isTransientAwsError(err: unknown): boolean {
  if (!(err instanceof Error)) return false
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode
  return TRANSIENT.has(err.name) || status === 503
}
