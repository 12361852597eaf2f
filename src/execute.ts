import type { DeployConfig } from './config/config'
import type { Platform } from './platform'
import type { DeployResult } from './steps/context'
import { deploy } from './deploy'
import { removePrefix } from './remove'
import { createCloudFrontClient, createS3Client } from './aws/clients'
import { assumeRole } from './aws/credentials'

/**
 * Everything that talks to AWS: credentials, clients, the deploy (or the removal), with the
 * job's cancellation wired in. main.ts loads this module only once the inputs are valid, so
 * `--help`, `--version` and every input error are answered without loading the AWS SDK.
 */
export async function execute(
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
  try {
    await (config.remove ? removePrefix : deploy)(
      config,
      {
        s3: createS3Client({ ...s3Options, cacheMiddleware: true }),
        // Its own small pool: a lease renewal never waits behind uploads.
        control: createS3Client({ ...s3Options, concurrency: 2 }),
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
 * A cancelled job (GitHub sends SIGINT, then SIGTERM; on Windows, Ctrl-C then Ctrl-Break, which
 * Node calls SIGBREAK; GitLab SIGTERM) stops starting new writes, releases the lock and reports;
 * a second signal, or 8 s, ends the process at once.
 */
function onCancelSignal(platform: Platform, cancel: AbortController): () => void {
  const signals = ['SIGINT', 'SIGTERM', 'SIGBREAK'] as const
  const handler = (signal: NodeJS.Signals) => {
    if (cancel.signal.aborted) process.exit(130)
    platform.warning(`Received ${signal}: stopping, and releasing the lock.`)
    cancel.abort()
    setTimeout(() => process.exit(130), 8000).unref()
  }
  for (const signal of signals) process.on(signal, handler)
  return () => {
    for (const signal of signals) process.off(signal, handler)
  }
}
