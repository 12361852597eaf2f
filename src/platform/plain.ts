import type { Platform } from './platform'
import { InputError } from '../config/input-error'
import { Redactor } from './redact'

type Write = (line: string) => void

/**
 * Any CI other than GitHub: plain lines, GitLab's collapsible sections when GITLAB_CI=true, and
 * never a `::` workflow command (GitLab would print `::add-mask::secret` in clear). Secrets are
 * redacted from every line here, since no runner does it for us.
 */
export function plainPlatform(
  env: NodeJS.ProcessEnv,
  out: Write = line => process.stdout.write(`${line}\n`),
  err: Write = line => process.stderr.write(`${line}\n`)
): Platform {
  const gitlab = env.GITLAB_CI === 'true'
  const debug =
    env.RUNNER_DEBUG === '1' || env.CI_DEBUG_TRACE === 'true' || env.ACTIONS_STEP_DEBUG === 'true'
  const redactor = new Redactor()
  const redact = (text: string): string => redactor.redact(text)
  const lines = (write: Write, prefix: string) => (message: string) => {
    for (const line of redact(message).split('\n')) write(`${prefix}${line}`)
  }
  let sections = 0

  return {
    name: gitlab ? 'gitlab' : 'plain',
    info: lines(out, ''),
    warning: lines(err, 'Warning: '),
    error: lines(err, 'Error: '),
    debug: message => {
      if (debug) lines(out, '[debug] ')(message)
    },
    isDebug: () => debug,
    async group(title, fn) {
      if (!gitlab) {
        out(`== ${redact(title)}`)
        return fn()
      }
      // https://docs.gitlab.com/ci/jobs/job_logs/#custom-collapsible-sections
      const id = `deploy_${++sections}`
      const now = () => Math.floor(Date.now() / 1000)
      out(`\x1b[0Ksection_start:${now()}:${id}[collapsed=true]\r\x1b[0K${redact(title)}`)
      try {
        return await fn()
      } finally {
        out(`\x1b[0Ksection_end:${now()}:${id}\r\x1b[0K`)
      }
    },
    setSecret: value => redactor.add(value),
    setOutput: () => undefined,
    writeSummary: async () => undefined,
    fail(message) {
      lines(err, 'Error: ')(message)
      process.exitCode = 1
    },
    async idToken() {
      throw new InputError(
        gitlab
          ? "Input 'web-identity-token' is required with 'role-to-assume': add to the job 'id_tokens: { INPUT_WEB_IDENTITY_TOKEN: { aud: sts.amazonaws.com } }', or pass --web-identity-token \"$YOUR_ID_TOKEN\"."
          : "Input 'web-identity-token' is required with 'role-to-assume' outside GitHub Actions: pass your CI's OIDC token with --web-identity-token or INPUT_WEB_IDENTITY_TOKEN."
      )
    }
  }
}
