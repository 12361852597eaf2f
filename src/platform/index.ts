import type { Platform } from './platform'
import { plainPlatform } from './plain'

export type { Logger, Platform } from './platform'

/** The adapter for this CI; @actions/core is evaluated only on GitHub. */
export async function detectPlatform(env: NodeJS.ProcessEnv): Promise<Platform> {
  if (env.GITHUB_ACTIONS !== 'true') return plainPlatform(env)
  const { githubPlatform } = await import(/* webpackMode: "eager" */ './github')
  return githubPlatform(env)
}
