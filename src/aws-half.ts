import type { DeployConfig } from './config/config'
import type { Platform } from './platform'
import type { DeployResult } from './steps/context'
import { deploy } from './deploy'
import { removePrefix } from './remove-prefix'
import { createCloudFrontClient, createS3Client } from './aws/clients'
import { assumeRole } from './aws/credentials'

/**
 * The AWS half of the action, the entry point of its own bundle: credentials, clients, then the
 * deploy (or the removal), with the job's cancellation wired in. main.ts loads it (through
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
  const cancel = new AbortController()
  const stopOnSignal = onCancelSignal(platform, cancel)
  try {
    await (config.remove ? removePrefix : deploy)(
      config,
      {
        s3: createS3Client({ ...clientOptions, cacheMiddleware: true }),
        // Its own small pool: a lease renewal never waits behind uploads.
        control: createS3Client({ ...clientOptions, concurrency: 2 }),
        cloudfront: createCloudFrontClient(clientOptions),
        log: platform,
        env,
        signal: cancel.signal
      },
      result
    )
  } finally {
    stopOnSignal()
  }
}

/**
 * A cancelled job (GitHub sends SIGINT, then SIGTERM; GitLab SIGTERM) stops starting new writes,
 * releases the lock and reports; a second signal, or 8 s, ends the process at once.
 */
function onCancelSignal(platform: Platform, cancel: AbortController): () => void {
  const handler = (signal: NodeJS.Signals) => {
    if (cancel.signal.aborted) process.exit(130)
    platform.warning(`Received ${signal}: stopping, and releasing the lock.`)
    cancel.abort()
    setTimeout(() => process.exit(130), 8000).unref()
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
  return () => {
    process.off('SIGINT', handler)
    process.off('SIGTERM', handler)
  }
}
