import { mockClient } from 'aws-sdk-client-mock'
import {
  CloudFrontClient,
  CreateInvalidationCommand,
  GetInvalidationCommand
} from '@aws-sdk/client-cloudfront'
import { createInvalidation, isCompleted, waitForInvalidation } from '../../../src/aws/invalidate'
import { fakeClock } from '../../helpers/doubles'

const cfMock = mockClient(CloudFrontClient)
const cf = new CloudFrontClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' }
})

beforeEach(() => cfMock.reset())

test('CreateInvalidation gets the paths and the CallerReference', async () => {
  cfMock.on(CreateInvalidationCommand).resolves({
    Invalidation: {
      Id: 'I1',
      Status: 'InProgress',
      CreateTime: new Date(),
      InvalidationBatch: undefined
    }
  })
  const result = await createInvalidation(cf, 'E1', ['/a', '/b/'], 'ref-1')
  expect(result).toEqual({ distributionId: 'E1', id: 'I1', status: 'InProgress' })
  expect(cfMock.commandCalls(CreateInvalidationCommand)[0]!.args[0].input).toEqual({
    DistributionId: 'E1',
    InvalidationBatch: { CallerReference: 'ref-1', Paths: { Quantity: 2, Items: ['/a', '/b/'] } }
  })
})

test('status comparison ignores case', () => {
  expect(isCompleted('Completed')).toBe(true)
  expect(isCompleted('COMPLETED')).toBe(true)
  expect(isCompleted('InProgress')).toBe(false)
})

test('waits, polling with back-off, until the status is completed in any case', async () => {
  cfMock
    .on(GetInvalidationCommand)
    .resolvesOnce({ Invalidation: { Id: 'I1', Status: 'InProgress' } as never })
    .resolvesOnce({ Invalidation: { Id: 'I1', Status: 'InProgress' } as never })
    .resolves({ Invalidation: { Id: 'I1', Status: 'COMPLETED' } as never })
  const clock = fakeClock()
  const polls: string[] = []
  const result = await waitForInvalidation(
    cf,
    { distributionId: 'E1', id: 'I1', status: 'InProgress' },
    {
      timeoutSeconds: 600,
      ...clock,
      onPoll: status => polls.push(status)
    }
  )
  expect(result).toEqual({ status: 'COMPLETED', timedOut: false })
  expect(polls).toEqual(['InProgress', 'InProgress', 'COMPLETED'])
  expect(clock.sleeps).toEqual([5000, 10000, 20000])
})

test('an invalidation already completed at creation needs no poll', async () => {
  const result = await waitForInvalidation(
    cf,
    { distributionId: 'E1', id: 'I1', status: 'Completed' },
    { timeoutSeconds: 1 }
  )
  expect(result).toEqual({ status: 'Completed', timedOut: false })
  expect(cfMock.commandCalls(GetInvalidationCommand)).toHaveLength(0)
})

test('stops at the timeout, reporting the last status', async () => {
  cfMock
    .on(GetInvalidationCommand)
    .resolves({ Invalidation: { Id: 'I1', Status: 'InProgress' } as never })
  const clock = fakeClock()
  const result = await waitForInvalidation(
    cf,
    { distributionId: 'E1', id: 'I1', status: 'InProgress' },
    { timeoutSeconds: 30, ...clock }
  )
  expect(result).toEqual({ status: 'InProgress', timedOut: true })
  expect(clock.now()).toBe(30_000)
  expect(clock.sleeps).toEqual([5000, 10000, 15000])
})
