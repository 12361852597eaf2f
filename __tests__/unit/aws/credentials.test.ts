import { fromWebToken } from '@aws-sdk/credential-provider-web-identity'
import { assumeRole } from '../../../src/aws/credentials'

jest.mock('@aws-sdk/credential-provider-web-identity', () => ({ fromWebToken: jest.fn() }))

const ROLE = {
  arn: 'arn:aws:iam::123456789012:role/site-deployer',
  sessionName: 's3-cloudfront-deploy-7',
  durationSeconds: 900,
  webIdentityToken: 'oidc-token-value'
}
const MINUTE = 60_000

/** STS as the SDK's provider answers: new keys each time, valid 15 minutes from `now`. */
function sts(now: () => number) {
  let n = 0
  const provider = jest.fn(async () => {
    n++
    return {
      accessKeyId: `ASIAKEY${n}`,
      secretAccessKey: `secret-${n}`,
      sessionToken: `session-${n}`,
      expiration: new Date(now() + 15 * MINUTE)
    }
  })
  jest.mocked(fromWebToken).mockReturnValue(provider)
  return provider
}

function platform() {
  const secrets: string[] = []
  return {
    secrets,
    setSecret: (value: string) => void secrets.push(value),
    idToken: async () => 'github-token',
    info: () => undefined
  }
}

test('assumed up front, then renewed 5 minutes before expiry, with the new keys masked', async () => {
  let t = 1_000_000
  const now = () => t
  const provider = sts(now)
  const p = platform()
  const credentials = await assumeRole(ROLE, 'eu-west-1', p, now)
  expect(provider).toHaveBeenCalledTimes(1)
  expect(jest.mocked(fromWebToken).mock.calls[0]![0]).toMatchObject({
    roleArn: ROLE.arn,
    roleSessionName: ROLE.sessionName,
    webIdentityToken: ROLE.webIdentityToken,
    durationSeconds: 900
  })
  expect(p.secrets).toEqual(['oidc-token-value', 'ASIAKEY1', 'secret-1', 'session-1'])

  // Ten minutes in, five left before expiry: the same keys, nothing asked of STS.
  t += 9 * MINUTE
  expect((await credentials()).accessKeyId).toBe('ASIAKEY1')
  expect(provider).toHaveBeenCalledTimes(1)

  // Within the last five minutes: renewed once, however many requests ask at the same time.
  t += 2 * MINUTE
  const all = await Promise.all([credentials(), credentials(), credentials()])
  expect(all.map(c => c.accessKeyId)).toEqual(['ASIAKEY2', 'ASIAKEY2', 'ASIAKEY2'])
  expect(provider).toHaveBeenCalledTimes(2)
  expect(p.secrets).toEqual(expect.arrayContaining(['ASIAKEY2', 'secret-2', 'session-2']))

  // The renewed keys last their own 15 minutes.
  t += 5 * MINUTE
  expect((await credentials()).accessKeyId).toBe('ASIAKEY2')
  expect(provider).toHaveBeenCalledTimes(2)
})

test('a renewal that fails says which role and which permission', async () => {
  let t = 0
  const now = () => t
  const provider = sts(now)
  const credentials = await assumeRole(ROLE, 'eu-west-1', platform(), now)
  provider.mockRejectedValueOnce(
    Object.assign(new Error('Token expired'), { name: 'ExpiredTokenException' })
  )
  t += 12 * MINUTE
  await expect(credentials()).rejects.toThrow(
    `Failed to assume role ${ROLE.arn} with the web identity token`
  )
  // The next request tries again rather than keeping the failure.
  expect((await credentials()).accessKeyId).toBe('ASIAKEY2')
})

test("without a token input, the platform's own OIDC token is asked for, and masked", async () => {
  sts(() => 0)
  const p = platform()
  await assumeRole({ ...ROLE, webIdentityToken: undefined }, 'eu-west-1', p, () => 0)
  expect(jest.mocked(fromWebToken).mock.calls.at(-1)![0].webIdentityToken).toBe('github-token')
  expect(p.secrets[0]).toBe('github-token')
})
