/**
 * Which CI run is deploying, as the CI's own variables say: the lock names its holder by it, the
 * invalidation's CallerReference is derived from it, and the assumed role's session is named
 * after it. The only code that reads the CI's run variables.
 */
export interface CiRun {
  /** The GitHub run ID or GitLab job ID; undefined outside CI. */
  id: string | undefined
  /** The same for every request of one attempt, new for a rerun: `gh-<run>-<attempt>`, `gl-<job>`. */
  attempt: string | undefined
  /** The step within the job (GitHub's GITHUB_ACTION), so two deploy steps of one job differ. */
  step: string
  /** The commit being deployed, when the CI says (release ids carry its first 7 characters). */
  commit: string | undefined
}

export function ciRun(env: NodeJS.ProcessEnv): CiRun {
  return {
    id: env.GITHUB_RUN_ID ?? env.CI_JOB_ID,
    attempt: env.GITHUB_RUN_ID
      ? `gh-${env.GITHUB_RUN_ID}-${env.GITHUB_RUN_ATTEMPT ?? '1'}`
      : env.CI_JOB_ID
        ? `gl-${env.CI_JOB_ID}`
        : undefined,
    step: env.GITHUB_ACTION ?? '',
    commit: env.GITHUB_SHA ?? env.CI_COMMIT_SHA
  }
}

/** `https://github.com/o/r/actions/runs/1` (attempt 2), a GitLab job URL, else host and process. */
export function describeHolder(env: NodeJS.ProcessEnv, host: string, pid: number): string {
  if (env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY) {
    const server = env.GITHUB_SERVER_URL ?? 'https://github.com'
    const attempt = env.GITHUB_RUN_ATTEMPT && env.GITHUB_RUN_ATTEMPT !== '1'
    return `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}${attempt ? ` (attempt ${env.GITHUB_RUN_ATTEMPT})` : ''}`
  }
  if (env.CI_JOB_URL) return env.CI_JOB_URL
  return `process ${pid} on ${host}`
}
