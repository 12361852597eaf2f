/** The invalidation step of a deploy: pending paths, waiting, several distributions, retries. */
import { DeleteObjectsCommand } from '@aws-sdk/client-s3'
import { CreateInvalidationCommand, GetInvalidationCommand } from '@aws-sdk/client-cloudfront'
import { deploy, emptyResult } from '../../../src/deploy'
import { fakeClock } from '../../helpers/doubles'
import { awsError, deployHarness, LOCK } from '../../helpers/deploy-harness'

const { s3Mock, cfMock, log, sent, record, config, deps, keepManifest, alreadyDeployed } =
  deployHarness()

test('a failed invalidation stays pending in the manifest, and the next deploy sends it although nothing changed', async () => {
  const written = keepManifest()
  cfMock
    .on(CreateInvalidationCommand)
    .rejectsOnce(Object.assign(new Error('nope'), { name: 'AccessDenied' }))
  const cfg = await config({ delete: false })
  await expect(deploy(cfg, deps(), emptyResult(false))).rejects.toThrow(
    'Failed to create invalidation'
  )
  const pending = JSON.parse(written[written.length - 1]!).pending
  expect(pending).toEqual({
    E1ABCDEFGH: ['/', '/a/', '/a/index.html', '/css/site.css', '/index.html', '/js/app.js']
  })

  // The rerun: the files the failed run uploaded are in the bucket, with their headers.
  alreadyDeployed()
  cfMock.on(CreateInvalidationCommand).callsFake(input => {
    sent.push(`CreateInvalidationCommand ${input.InvalidationBatch.Paths.Items.join(',')}`)
    return { Invalidation: { Id: 'I2', Status: 'InProgress' } }
  })
  const rerun = emptyResult(false)
  await deploy(cfg, deps(), rerun)
  expect(rerun.uploaded).toBe(0)
  expect(sent).toContain(
    'CreateInvalidationCommand /,/a/,/a/index.html,/css/site.css,/index.html,/js/app.js'
  )
  expect(JSON.parse(written[written.length - 1]!).pending).toEqual({})
})

test('wait: at the timeout the deploy has succeeded; a warning, status InProgress, deletions done', async () => {
  cfMock
    .on(GetInvalidationCommand)
    .resolves({ Invalidation: { Id: 'I1', Status: 'InProgress' } as never })
  const result = emptyResult(false)
  const clock = fakeClock()
  await deploy(await config({ wait: true, waitTimeoutSeconds: 60 }), deps({ clock }), result)
  expect(result).toMatchObject({ uploaded: 4, deleted: 1 })
  expect(result.invalidations[0]!.status).toBe('InProgress')
  expect(log.lines.join('\n')).toMatch(
    /warning: Invalidation I1 on E1ABCDEFGH is still InProgress after the wait-timeout of 60 s\. The deploy itself has succeeded/
  )
  expect(clock.t).toBe(60_000)
  // Progress is reported at each poll: after 5, 10, 20, 20 and the last 5 s.
  expect(cfMock.commandCalls(GetInvalidationCommand)).toHaveLength(5)
  expect(log.lines.filter(l => /^I1: InProgress after \d+ s$/.test(l))).toHaveLength(5)
})

test('wait: fail-on-wait-timeout makes the timeout an error, after the deploy is complete', async () => {
  cfMock
    .on(GetInvalidationCommand)
    .resolves({ Invalidation: { Id: 'I1', Status: 'InProgress' } as never })
  const result = emptyResult(false)
  const run = deploy(
    await config({ wait: true, waitTimeoutSeconds: 30, failOnWaitTimeout: true }),
    deps({ clock: fakeClock() }),
    result
  )
  await expect(run).rejects.toThrow(
    /still InProgress after the wait-timeout of 30 s.*fail-on-wait-timeout/
  )
  expect(result).toMatchObject({ uploaded: 4, deleted: 1 })
})

test('wait: InProgress then Completed; deletions wait for the invalidation to complete', async () => {
  cfMock
    .on(GetInvalidationCommand)
    .callsFakeOnce(
      record('GetInvalidationCommand', { Invalidation: { Id: 'I1', Status: 'InProgress' } })
    )
    .callsFake(
      record('GetInvalidationCommand', { Invalidation: { Id: 'I1', Status: 'Completed' } })
    )
  const result = emptyResult(false)
  await deploy(await config({ wait: true }), deps({ clock: fakeClock() }), result)
  expect(result.invalidations[0]!.status).toBe('Completed')
  expect(sent.slice(-7, -2)).toEqual([
    'CreateInvalidationCommand',
    'GetInvalidationCommand',
    'GetInvalidationCommand',
    `PutObjectCommand ${LOCK}`,
    'DeleteObjectsCommand'
  ])
})

test('several distributions: one invalidation each', async () => {
  const result = emptyResult(false)
  await deploy(await config({ distributionIds: ['E1AAAAAAAA', 'E2BBBBBBBB'] }), deps(), result)
  const calls = cfMock
    .commandCalls(CreateInvalidationCommand)
    .map(c => c.args[0].input.DistributionId)
  expect(calls).toEqual(['E1AAAAAAAA', 'E2BBBBBBBB'])
  expect(result.invalidations.map(i => i.distributionId)).toEqual(['E1AAAAAAAA', 'E2BBBBBBBB'])
})

test('TooManyInvalidationsInProgress and throttling are retried with the same CallerReference', async () => {
  cfMock
    .on(CreateInvalidationCommand)
    .rejectsOnce(
      awsError(
        'TooManyInvalidationsInProgress',
        'Processing your request will cause you to exceed the maximum number of in-progress wildcard invalidations.'
      )
    )
    .rejectsOnce(awsError('Throttling', 'Rate exceeded'))
    .resolves({ Invalidation: { Id: 'I9', Status: 'InProgress' } as never })
  const result = emptyResult(false)
  const clock = fakeClock()
  await deploy(
    await config(),
    deps({ env: { GITHUB_RUN_ID: '7', GITHUB_RUN_ATTEMPT: '1' }, clock }),
    result
  )
  const refs = cfMock
    .commandCalls(CreateInvalidationCommand)
    .map(c => c.args[0].input.InvalidationBatch!.CallerReference)
  expect(refs).toHaveLength(3)
  expect(new Set(refs).size).toBe(1)
  expect(refs[0]).toMatch(/^gh-7-1-/)
  expect(result.invalidations[0]!.id).toBe('I9')
  expect(log.lines.filter(l => l.includes('retry'))).toHaveLength(2)
  expect(result.deleted).toBe(1)
})

test('retrying stops after a bounded time with a clear message, and nothing is deleted', async () => {
  cfMock
    .on(CreateInvalidationCommand)
    .rejects(awsError('TooManyInvalidationsInProgress', 'Too many'))
  const clock = fakeClock()
  const result = emptyResult(false)
  await expect(deploy(await config(), deps({ clock }), result)).rejects.toThrow(
    /Failed to create invalidation for distribution E1ABCDEFGH: RetriesExhaustedError: still failing after \d+ attempt\(s\) over 300 s: TooManyInvalidationsInProgress: Too many/
  )
  expect(clock.t).toBe(300_000)
  expect(s3Mock.commandCalls(DeleteObjectsCommand)).toHaveLength(0)
  expect(result.uploaded).toBe(4)
})

test('an error that is not transient is not retried', async () => {
  cfMock
    .on(CreateInvalidationCommand)
    .rejects(
      awsError('InvalidArgument', 'Your request contains one or more invalid invalidation paths.')
    )
  await expect(
    deploy(await config(), deps({ clock: fakeClock() }), emptyResult(false))
  ).rejects.toThrow(
    'InvalidArgument: Your request contains one or more invalid invalidation paths.'
  )
  expect(cfMock.commandCalls(CreateInvalidationCommand)).toHaveLength(1)
})
