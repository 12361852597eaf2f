import {
  CreateInvalidationCommand,
  GetInvalidationCommand,
  type CloudFrontClient
} from '@aws-sdk/client-cloudfront'

export interface Invalidation {
  distributionId: string
  id: string
  /** As CloudFront reports it: InProgress or Completed (moto: COMPLETED). */
  status: string
}

export async function createInvalidation(
  cf: CloudFrontClient,
  distributionId: string,
  paths: readonly string[],
  callerReference: string
): Promise<Invalidation> {
  const result = await cf.send(
    new CreateInvalidationCommand({
      DistributionId: distributionId,
      InvalidationBatch: {
        CallerReference: callerReference,
        Paths: { Quantity: paths.length, Items: [...paths] }
      }
    })
  )
  return {
    distributionId,
    id: result.Invalidation?.Id ?? '',
    status: result.Invalidation?.Status ?? 'InProgress'
  }
}

/** Case-insensitive: CloudFront says Completed, some compatible endpoints COMPLETED. */
export function isCompleted(status: string): boolean {
  return status.toLowerCase() === 'completed'
}

export interface WaitOptions {
  timeoutSeconds: number
  /** Injectable so tests don't wait. */
  sleep?: (ms: number) => Promise<void>
  now?: () => number
  onPoll?: (status: string, elapsedSeconds: number) => void
}

export interface WaitResult {
  status: string
  timedOut: boolean
}

/**
 * Polls GetInvalidation until it completes or the timeout passes (the SDK's waiter compares the
 * status case-sensitively, which fails on compatible endpoints). Polls every 5 s, backing off to
 * 20 s, the pace of the SDK's own waiter.
 */
export async function waitForInvalidation(
  cf: CloudFrontClient,
  invalidation: Invalidation,
  options: WaitOptions
): Promise<WaitResult> {
  const sleep = options.sleep ?? ((ms: number) => new Promise(resolve => setTimeout(resolve, ms)))
  const now = options.now ?? Date.now
  const start = now()
  const deadline = start + options.timeoutSeconds * 1000
  let status = invalidation.status
  let delay = 5000
  while (!isCompleted(status)) {
    const remaining = deadline - now()
    if (remaining <= 0) return { status, timedOut: true }
    await sleep(Math.min(delay, remaining))
    delay = Math.min(delay * 2, 20_000)
    const result = await cf.send(
      new GetInvalidationCommand({
        DistributionId: invalidation.distributionId,
        Id: invalidation.id
      })
    )
    status = result.Invalidation?.Status ?? status
    options.onPoll?.(status, Math.round((now() - start) / 1000))
  }
  return { status, timedOut: false }
}
