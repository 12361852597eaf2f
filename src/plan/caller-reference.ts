import { createHash, randomUUID } from 'node:crypto'

/**
 * CallerReference for CreateInvalidation. Inside CI it is derived from the run (GitHub run ID and
 * attempt, or GitLab job ID), the distribution, the paths and the content deployed: a retried
 * request, or a rerun of the same job with the same content, gets the same reference, so CloudFront
 * returns the existing invalidation instead of creating (and billing) a second one. Outside CI,
 * every run is new.
 */
export function callerReference(
  env: NodeJS.ProcessEnv,
  distributionId: string,
  paths: readonly string[],
  contentDigest: string,
  unique: () => string = randomUUID
): string {
  const run = env.GITHUB_RUN_ID
    ? `gh-${env.GITHUB_RUN_ID}-${env.GITHUB_RUN_ATTEMPT ?? '1'}`
    : env.CI_JOB_ID
      ? `gl-${env.CI_JOB_ID}`
      : undefined
  if (run === undefined) return `deploy-${unique()}`
  const digest = createHash('sha256')
    .update(
      JSON.stringify([env.GITHUB_ACTION ?? '', distributionId, [...paths].sort(), contentDigest])
    )
    .digest('hex')
    .slice(0, 24)
  return `${run}-${digest}`
}
