import type { Platform } from './platform'
import { githubPlatform } from './github'
import { plainPlatform } from './plain'

export type { Logger, Platform } from './platform'

export function detectPlatform(env: NodeJS.ProcessEnv): Platform {
  return env.GITHUB_ACTIONS === 'true' ? githubPlatform(env) : plainPlatform(env)
}
