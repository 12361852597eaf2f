import { callerReference as reference } from '../../../src/plan/caller-reference'
import { ciRun } from '../../../src/platform/ci-run'

/** As steps/invalidation.ts calls it: the run as the platform adapter reads it. */
const callerReference = (
  env: NodeJS.ProcessEnv,
  ...rest: [string, string[], string, (() => string)?]
) => reference(ciRun(env), ...rest)

describe('callerReference', () => {
  const gh = { GITHUB_RUN_ID: '123', GITHUB_RUN_ATTEMPT: '1', GITHUB_ACTION: 'deploy' }

  test('the same run, distribution, paths and content give the same reference (safe to retry)', () => {
    expect(callerReference(gh, 'E1', ['/a', '/b'], 'digest')).toBe(
      callerReference(gh, 'E1', ['/b', '/a'], 'digest')
    )
    expect(callerReference(gh, 'E1', ['/a'], 'digest')).toMatch(/^gh-123-1-[0-9a-f]{24}$/)
  })

  test('anything else gives a new one', () => {
    const base = callerReference(gh, 'E1', ['/a'], 'digest')
    expect(callerReference({ ...gh, GITHUB_RUN_ATTEMPT: '2' }, 'E1', ['/a'], 'digest')).not.toBe(
      base
    )
    expect(callerReference(gh, 'E2', ['/a'], 'digest')).not.toBe(base)
    expect(callerReference(gh, 'E1', ['/a', '/c'], 'digest')).not.toBe(base)
    expect(callerReference(gh, 'E1', ['/a'], 'other content')).not.toBe(base)
    expect(callerReference({ ...gh, GITHUB_ACTION: 'deploy2' }, 'E1', ['/a'], 'digest')).not.toBe(
      base
    )
  })

  test('GitLab job ID; outside CI a unique reference', () => {
    expect(callerReference({ CI_JOB_ID: '42' }, 'E1', ['/a'], 'd')).toMatch(/^gl-42-/)
    let n = 0
    const unique = () => `u${++n}`
    expect(callerReference({}, 'E1', ['/a'], 'd', unique)).toBe('deploy-u1')
    expect(callerReference({}, 'E1', ['/a'], 'd', unique)).toBe('deploy-u2')
  })
})
