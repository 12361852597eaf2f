import { createHash, randomUUID } from 'node:crypto'

/**
 * CallerReference for CreateInvalidation. Inside CI it is derived from the run's attempt and
 * step (platform/ci-run.ts), the distribution, the paths and the content deployed: a retried
 * request, or a rerun of the same job with the same content, gets the same reference, so
 * CloudFront returns the existing invalidation instead of creating (and billing) a second one.
 * Outside CI, every run is new.
 */
export function callerReference(
  run: { attempt: string | undefined; step: string },
  distributionId: string,
  paths: readonly string[],
  contentDigest: string,
  unique: () => string = randomUUID
): string {
  if (run.attempt === undefined) return `deploy-${unique()}`
  const digest = createHash('sha256')
    .update(JSON.stringify([run.step, distributionId, [...paths].sort(), contentDigest]))
    .digest('hex')
    .slice(0, 24)
  return `${run.attempt}-${digest}`
}
