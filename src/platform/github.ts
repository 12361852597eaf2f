import * as core from '@actions/core'
import type { Platform } from './platform'
import { InputError } from '../config/input-error'
import { maskable, Redactor } from './redact'

/**
 * Inside GitHub Actions: workflow commands through @actions/core. Secrets are registered with the
 * runner (::add-mask::) and also redacted here, since the runner does not mask the job summary.
 */
export function githubPlatform(env: NodeJS.ProcessEnv): Platform {
  const redactor = new Redactor()
  const r = (text: string) => redactor.redact(text)
  return {
    name: 'github',
    info: message => core.info(r(message)),
    warning: message => core.warning(r(message)),
    error: message => core.error(r(message)),
    debug: message => core.debug(r(message)),
    isDebug: () => core.isDebug(),
    group: (title, fn) => core.group(r(title), fn),
    setSecret: value => {
      if (!maskable(value)) return
      core.setSecret(value)
      redactor.add(value)
    },
    setOutput: (name, value) => core.setOutput(name, value),
    async writeSummary(markdown) {
      // core.summary.write() throws without GITHUB_STEP_SUMMARY (e.g. under local runners).
      if (!env.GITHUB_STEP_SUMMARY) return
      await core.summary.addRaw(r(markdown), true).write()
    },
    fail: message => core.setFailed(r(message)),
    async idToken(audience) {
      if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
        throw new InputError(
          "Input 'role-to-assume' needs an OIDC token, and this job may not request one: add 'permissions: id-token: write' to the workflow or the job (or pass 'web-identity-token')."
        )
      }
      // getIDToken masks the token itself.
      return core.getIDToken(audience)
    }
  }
}
