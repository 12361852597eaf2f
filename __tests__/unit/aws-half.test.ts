/**
 * A cancelled job, signal by signal: runAwsHalf() must abort the deploy's signal (on which the
 * deploy stops writing and releases the lock: e2e/lock.test.ts, with a real SIGTERM) and say so.
 * On Windows the runner's Ctrl-C and Ctrl-Break arrive as SIGINT and SIGBREAK. The handler that
 * runAwsHalf() adds is called directly: emitting a real SIGINT would reach Jest's own.
 */
import type { DeployConfig } from '../../src/config/config'
import type { Platform } from '../../src/platform'
import type { DeployResult } from '../../src/steps/context'
import { deploy } from '../../src/deploy'
import { runAwsHalf } from '../../src/aws-half'

jest.mock('../../src/deploy', () => ({ deploy: jest.fn() }))

afterEach(() => {
  jest.clearAllTimers()
  jest.useRealTimers()
})

test.each<NodeJS.Signals>(['SIGINT', 'SIGTERM', 'SIGBREAK'])(
  '%s aborts the deploy and warns; the handler is removed when the deploy ends',
  async signal => {
    // The handler's 6 s deadline calls process.exit: a fake timer, which never fires here.
    jest.useFakeTimers()
    const before = process.listeners(signal)
    let aborted = false
    jest.mocked(deploy).mockImplementation(async (_config, deps) => {
      await new Promise(resolve => deps.signal!.addEventListener('abort', resolve))
      aborted = true
    })
    const warnings: string[] = []
    const platform = { warning: (m: string) => void warnings.push(m) } as Platform
    const config = { region: 'us-east-1', concurrency: 4, remove: false } as DeployConfig

    const running = runAwsHalf(config, platform, {}, {} as DeployResult)
    const added = process.listeners(signal).filter(l => !before.includes(l))
    expect(added).toHaveLength(1)
    ;(added[0] as (s: NodeJS.Signals) => void)(signal)
    await running

    expect(aborted).toBe(true)
    expect(warnings).toEqual([`Received ${signal}: stopping, and releasing the lock.`])
    expect(process.listeners(signal)).toEqual(before)
  }
)
