/** Reading the distribution on every deploy: it must exist; its origin path shapes the URLs. */
import { PutObjectCommand } from '@aws-sdk/client-s3'
import { CreateInvalidationCommand, GetDistributionCommand } from '@aws-sdk/client-cloudfront'
import { deploy, emptyResult } from '../../../src/deploy'
import { awsError, deployHarness, distribution } from '../../helpers/deploy-harness'

const { s3Mock, cfMock, log, sent, clearSent, config, deps, alreadyDeployed } = deployHarness()

test('a distribution that does not exist is refused also when nothing changed, and in a dry run', async () => {
  alreadyDeployed()
  cfMock
    .on(GetDistributionCommand)
    .rejects(awsError('NoSuchDistribution', 'The specified distribution does not exist.', 404))
  for (const dryRun of [false, true]) {
    clearSent()
    const result = emptyResult(dryRun)
    await expect(deploy(await config({ delete: false, dryRun }), deps(), result)).rejects.toThrow(
      "Input 'distribution-id': distribution E1ABCDEFGH does not exist in this account (NoSuchDistribution). Nothing was changed."
    )
    // The site is up to date (nothing to upload): refused all the same, before planning.
    expect(result.plan?.uploads ?? []).toEqual([])
    expect(result.changedAnything).toBe(false)
    expect(sent.filter(r => /^(Put|Delete|Copy|CreateInvalidation)/.test(r))).toEqual([])
  }
})

test('nothing changed and no cloudfront:GetDistribution: a warning that the distribution was not checked', async () => {
  alreadyDeployed()
  cfMock.on(GetDistributionCommand).rejects(awsError('AccessDenied', 'not allowed', 403))
  const result = emptyResult(false)
  await deploy(await config({ delete: false }), deps(), result)
  expect(result.plan!.unchanged).toHaveLength(4)
  expect(log.lines).toContain(
    'warning: Could not read distribution E1ABCDEFGH to check that it exists and find its origin path and domain (AccessDenied: not allowed). Invalidating /<key> URLs as if it had none, and the url output is empty; grant cloudfront:GetDistribution to fix this.'
  )
  expect(cfMock.commandCalls(CreateInvalidationCommand)).toHaveLength(0)
})

test('the origin path is taken from the distribution: viewer URLs drop it', async () => {
  cfMock.on(GetDistributionCommand).resolves(distribution('/site') as never)
  const result = emptyResult(true)
  await deploy(await config({ prefix: 'site/v2/', dryRun: true, delete: false }), deps(), result)
  expect(result.targets[0]!.paths).toEqual([
    '/v2/',
    '/v2/a/',
    '/v2/a/index.html',
    '/v2/css/site.css',
    '/v2/index.html',
    '/v2/js/app.js'
  ])
})

test('without cloudfront:GetDistribution, a clear warning and /key URLs', async () => {
  cfMock.on(GetDistributionCommand).rejects(awsError('AccessDenied', 'not allowed', 403))
  const result = emptyResult(true)
  await deploy(await config({ prefix: 'site/', dryRun: true, delete: false }), deps(), result)
  expect(log.lines.join('\n')).toMatch(
    /warning: Could not read distribution E1ABCDEFGH to check that it exists and find its origin path and domain \(AccessDenied: not allowed\)\. Invalidating \/<key> URLs as if it had none, and the url output is empty; grant cloudfront:GetDistribution/
  )
  expect(result.targets[0]!.paths).toContain('/site/css/site.css')
})

test('a distribution that does not exist stops the deploy before the first upload', async () => {
  cfMock
    .on(GetDistributionCommand)
    .rejects(awsError('NoSuchDistribution', 'The specified distribution does not exist.', 404))
  await expect(deploy(await config(), deps(), emptyResult(false))).rejects.toThrow(
    "Input 'distribution-id': distribution E1ABCDEFGH does not exist in this account (NoSuchDistribution). Nothing was changed."
  )
  expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0)
})
