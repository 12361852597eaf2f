import type { DeployConfig } from './config/config'
import type { Platform } from './platform'
import { cancellableClock, type DeployDeps, type DeployResult } from './steps/context'
import { ServerClock } from './remote/server-time'
import { deploy } from './deploy'
import { deployRelease } from './deploy-release'
import { removePrefix } from './remove-prefix'
import { rollback } from './rollback'
import { createCloudFrontClient, createS3Client } from './aws/clients'
import { createKvsClient } from './aws/kvs'
import { assumeRole } from './aws/credentials'

/**
 * The AWS half of the action, the entry point of its own bundle: credentials, clients, then the
 * deploy (a release in release mode, a rollback, or the removal), with the job's cancellation
 * wired in. main.ts loads it (through
 * load-aws-half.ts) only once the inputs are valid, so `--help`, `--version` and every input
 * error are answered without loading the AWS SDK.
 */
export async function runAwsHalf(
  config: DeployConfig,
  platform: Platform,
  env: NodeJS.ProcessEnv,
  result: DeployResult
): Promise<void> {
  const credentials = config.role
    ? await assumeRole(config.role, config.region, platform)
    : undefined
  const clientOptions = { region: config.region, concurrency: config.concurrency, credentials }
  // The store's endpoint is for S3 alone: CloudFront (and STS) stay AWS's.
  const s3Options = {
    ...clientOptions,
    endpoint: config.endpoint,
    forcePathStyle: config.pathStyle
  }
  const cancel = new AbortController()
  const stopOnSignal = onCancelSignal(platform, cancel)
  // S3's clock, read off every answer, times leases and removed assets' periods.
  const serverClock = new ServerClock()
  try {
    const deps: DeployDeps = {
      s3: createS3Client({ ...s3Options, cacheMiddleware: true, serverClock }),
      // Its own small pool: a lease renewal never waits behind uploads.
      control: createS3Client({ ...s3Options, concurrency: 2, serverClock }),
      cloudfront: createCloudFrontClient(clientOptions),
      ...(config.release ? { kvs: createKvsClient(clientOptions) } : {}),
      log: platform,
      env,
      signal: cancel.signal,
      // Every wait (for the lock, between retries, for the invalidation) ends at a signal.
      clock: cancellableClock(cancel.signal),
      serverClock
    }
    if (config.remove) await removePrefix(config, deps, result)
    else if (config.release?.rollback !== undefined) await rollback(config, deps, result)
    // main.ts has checked the source (checkSource) before loading this half.
    else if (config.release) await deployRelease(config, deps, result, true)
    else await deploy(config, deps, result, true)
  } finally {
    stopOnSignal()
  }
}

/**
 * A cancelled job (GitHub sends SIGINT, then SIGTERM; on Windows, Ctrl-C then Ctrl-Break, which
 * Node calls SIGBREAK; GitLab SIGTERM) aborts its writes in flight and every wait, releases the
 * lock and reports; a second signal, or 6 s, ends the process at once: GitHub's runner sends
 * SIGKILL 7.5 s after it signals.
 */
const EXIT_AFTER_SIGNAL_MS = 6000

function onCancelSignal(platform: Platform, cancel: AbortController): () => void {
  const signals = ['SIGINT', 'SIGTERM', 'SIGBREAK'] as const
  const handler = (signal: NodeJS.Signals) => {
    if (cancel.signal.aborted) process.exit(130)
    platform.warning(`Received ${signal}: stopping, and releasing the lock.`)
    cancel.abort()
    setTimeout(() => process.exit(130), EXIT_AFTER_SIGNAL_MS).unref()
  }
  for (const signal of signals) process.on(signal, handler)
  return () => {
    for (const signal of signals) process.off(signal, handler)
  }
}
