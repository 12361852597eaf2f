import * as core from '@actions/core'
import type { Platform } from './platform'

/** Inside GitHub Actions: workflow commands through @actions/core. */
export function githubPlatform(env: NodeJS.ProcessEnv): Platform {
  return {
    name: 'github',
    info: message => core.info(message),
    warning: message => core.warning(message),
    error: message => core.error(message),
    debug: message => core.debug(message),
    isDebug: () => core.isDebug(),
    group: (title, fn) => core.group(title, fn),
    setSecret: value => core.setSecret(value),
    setOutput: (name, value) => core.setOutput(name, value),
    async writeSummary(markdown) {
      // core.summary.write() throws without GITHUB_STEP_SUMMARY (e.g. under local runners).
      if (!env.GITHUB_STEP_SUMMARY) return
      await core.summary.addRaw(markdown, true).write()
    },
    fail: message => core.setFailed(message)
  }
}
