import { plainPlatform } from '../../../src/platform/plain'

const capture = (env: NodeJS.ProcessEnv) => {
  const out: string[] = []
  const err: string[] = []
  const platform = plainPlatform(
    env,
    l => out.push(l),
    l => err.push(l)
  )
  return { platform, out, err }
}

describe('plain platform', () => {
  test('secrets are redacted from every line and never announced', async () => {
    const { platform, out, err } = capture({})
    platform.setSecret('AKIAEXAMPLEKEY')
    platform.setSecret('s3cr3t/with+chars')
    platform.info('using AKIAEXAMPLEKEY and s3cr3t/with+chars')
    platform.warning('s3cr3t/with+chars leaked?')
    await platform.group('group AKIAEXAMPLEKEY', async () => undefined)
    const all = [...out, ...err].join('\n')
    expect(all).not.toContain('AKIAEXAMPLEKEY')
    expect(all).not.toContain('s3cr3t')
    expect(all).toContain('using *** and ***')
    expect(all).not.toMatch(/::/)
  })

  test('GitLab collapsible sections when GITLAB_CI=true', async () => {
    const { platform, out } = capture({ GITLAB_CI: 'true' })
    expect(platform.name).toBe('gitlab')
    const value = await platform.group('Upload', async () => {
      platform.info('inside')
      return 7
    })
    expect(value).toBe(7)
    expect(out[0]).toMatch(/^\x1b\[0Ksection_start:\d+:deploy_1\[collapsed=true\]\r\x1b\[0KUpload$/)
    expect(out[1]).toBe('inside')
    expect(out[2]).toMatch(/^\x1b\[0Ksection_end:\d+:deploy_1\r\x1b\[0K$/)
  })

  test('debug lines only when debugging is on', () => {
    const quiet = capture({})
    quiet.platform.debug('hidden')
    expect(quiet.out).toEqual([])
    const loud = capture({ CI_DEBUG_TRACE: 'true' })
    loud.platform.debug('shown')
    expect(loud.out).toEqual(['[debug] shown'])
  })
})
