/**
 * Keyless credentials: the action assumes a role with a web identity (OIDC) token against
 * moto's STS, and every S3 request is then signed with the assumed keys (seen by a proxy).
 */
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import { motoSuite } from '../helpers/moto'
import { awsEnv, createDistribution, listInvalidations, listObjects } from '../helpers/aws'
import { assertNoSecrets, runGitHub, runGitLab, type RunResult } from '../helpers/action'
import { makeSite } from '../helpers/site'
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy'

const ROLE = 'arn:aws:iam::123456789012:role/site-deployer'
/** A JWT-shaped token: moto's STS accepts any. */
const TOKEN =
  'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJwcm9qZWN0X3BhdGg6Z3JvdXAvc2l0ZSIsImF1ZCI6InN0cy5hbWF6b25hd3MuY29tIn0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg'

const moto = motoSuite('creds')

async function setup() {
  const bucket = await moto.newBucket()
  const distribution = await createDistribution(moto.endpoint, '', `${bucket}.s3.amazonaws.com`)
  const source = await makeSite({ 'index.html': 'home', 'css/a.css': 'a' })
  const proxy = await startFaultProxy({ target: moto.endpoint })
  return { bucket, distribution, source, proxy }
}

/** The keys STS handed out, and a check that they (and only they) signed S3 and CloudFront. */
function assumedKeys(proxy: FaultProxy) {
  const sts = proxy.requests.filter(r => r.service === 'sts')
  expect(sts).toHaveLength(1)
  const body = sts[0]!.responseBody ?? ''
  const pick = (tag: string) => new RegExp(`<${tag}>([^<]+)</${tag}>`).exec(body)?.[1] as string
  const keys = {
    accessKeyId: pick('AccessKeyId'),
    secretAccessKey: pick('SecretAccessKey'),
    sessionToken: pick('SessionToken')
  }
  expect(keys.accessKeyId).toMatch(/^ASIA/)
  const signed = proxy.requests.filter(r => r.service !== 'sts')
  expect(signed.length).toBeGreaterThanOrEqual(3)
  expect(new Set(signed.map(r => r.accessKeyId))).toEqual(new Set([keys.accessKeyId]))
  expect(signed.map(r => r.accessKeyId)).not.toContain(awsEnv('x').AWS_ACCESS_KEY_ID)
  return keys
}

function expectNoneVisible(
  run: RunResult,
  keys: { secretAccessKey: string; sessionToken: string }
) {
  assertNoSecrets(run, [TOKEN, keys.secretAccessKey, keys.sessionToken])
}

test('GitLab way: --role-to-assume with an id_tokens token; S3 and CloudFront signed with the assumed keys', async () => {
  const { bucket, distribution, source, proxy } = await setup()
  try {
    const run = await runGitLab({
      endpoint: proxy.url,
      cwd: source,
      inputs: { source, bucket, 'distribution-id': distribution, 'role-to-assume': ROLE },
      env: { INPUT_WEB_IDENTITY_TOKEN: TOKEN, CI_JOB_ID: '4242' }
    })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(`Assumed role ${ROLE} as session s3-cloudfront-deploy-4242`)
    expect(run.outputs.UPLOADED).toBe('2')
    expectNoneVisible(run, assumedKeys(proxy))
    expect((await listObjects(moto.endpoint, bucket)).map(o => o.Key)).toEqual([
      'css/a.css',
      'index.html'
    ])
    expect(await listInvalidations(moto.endpoint, distribution)).toHaveLength(1)
  } finally {
    await proxy.close()
  }
})

/** GitHub's OIDC token endpoint, as the runner offers it to a job with id-token: write. */
async function tokenServer() {
  const calls: { url: string; authorization: string | undefined }[] = []
  const server = http.createServer((req, res) => {
    calls.push({ url: req.url ?? '', authorization: req.headers.authorization })
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ value: TOKEN }))
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token?api-version=2.0`
  return { url, calls, close: () => new Promise<void>(r => server.close(() => r())) }
}

test("GitHub way: no token given, the job's OIDC token (audience sts.amazonaws.com) is used and masked", async () => {
  const { bucket, source, proxy } = await setup()
  const tokens = await tokenServer()
  try {
    const run = await runGitHub({
      endpoint: proxy.url,
      cwd: source,
      inputs: { source, bucket, 'role-to-assume': ROLE, 'role-session-name': 'gh-deploy' },
      env: {
        ACTIONS_ID_TOKEN_REQUEST_URL: tokens.url,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runner-request-token'
      }
    })
    expect(run.stdout).not.toContain('::error::')
    expect(run.code).toBe(0)
    expect(tokens.calls).toEqual([
      {
        url: '/token?api-version=2.0&audience=sts.amazonaws.com',
        authorization: 'Bearer runner-request-token'
      }
    ])
    const keys = assumedKeys(proxy)
    // Masked: each secret is announced to the runner once, and never printed otherwise.
    for (const secret of [TOKEN, keys.secretAccessKey, keys.sessionToken]) {
      expect(run.stdout).toContain(`::add-mask::${secret}`)
    }
    expectNoneVisible(run, keys)
    expect(run.stdout).toContain(`Assumed role ${ROLE} as session gh-deploy`)
  } finally {
    await proxy.close()
    await tokens.close()
  }
})

test('GitHub way without id-token: write: says so plainly, nothing changed', async () => {
  const { bucket, source, proxy } = await setup()
  try {
    const run = await runGitHub({
      endpoint: proxy.url,
      cwd: source,
      inputs: { source, bucket, 'role-to-assume': ROLE }
    })
    expect(run.code).not.toBe(0)
    expect(run.stdout).toContain(
      "::error::Input 'role-to-assume' needs an OIDC token, and this job may not request one: add 'permissions: id-token: write' to the workflow or the job (or pass 'web-identity-token')."
    )
    expect(proxy.requests).toEqual([])
    expect(await listObjects(moto.endpoint, bucket)).toEqual([])
  } finally {
    await proxy.close()
  }
})

test('GitLab way without a token: says how to get one, nothing changed', async () => {
  const { bucket, source, proxy } = await setup()
  try {
    const run = await runGitLab({
      endpoint: proxy.url,
      cwd: source,
      inputs: { source, bucket, 'role-to-assume': ROLE }
    })
    expect(run.code).not.toBe(0)
    expect(run.stderr).toContain(
      "Input 'web-identity-token' is required with 'role-to-assume': add to the job 'id_tokens:"
    )
    expect(proxy.requests).toEqual([])
  } finally {
    await proxy.close()
  }
})

test('a malformed role ARN is refused, and a token given as a stray argument is not echoed', async () => {
  const { bucket, source, proxy } = await setup()
  try {
    const bad = await runGitLab({
      endpoint: proxy.url,
      cwd: source,
      inputs: { source, bucket, 'role-to-assume': 'site-deployer' }
    })
    expect(bad.stderr).toContain(
      "Input 'role-to-assume' must be an IAM role ARN such as arn:aws:iam::123456789012:role/site-deployer, got 'site-deployer'."
    )
    // `--role-to-assume ARN $TOKEN` with the --web-identity-token flag forgotten.
    const stray = await runGitLab({
      endpoint: proxy.url,
      cwd: source,
      inputs: { source, bucket, 'role-to-assume': ROLE },
      args: [TOKEN]
    })
    expect(stray.code).not.toBe(0)
    expect(stray.stderr).toContain(`Unexpected argument '${TOKEN.slice(0, 8)}…'`)
    assertNoSecrets(stray, [TOKEN])
    expect(proxy.requests).toEqual([])
  } finally {
    await proxy.close()
  }
})
