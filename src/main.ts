import { writeFile } from 'node:fs/promises'
import { readInputs } from './config/read'
import { parseConfig, type DeployConfig } from './config/config'
import { helpText } from './config/help'
import { version as VERSION } from '../package.json'
import { detectPlatform, type Platform } from './platform'
import { ciRun } from './platform/ci-run'
import { emptyResult, type DeployResult } from './steps/context'
import { buildOutputs, remainingWork, summaryMarkdown, toDotenv } from './report'
import { isExpectedError, StepError } from './aws/step-error'
import { loadAwsHalf } from './load-aws-half'
import { changesReport, checkChangesFile, writeChangesFile } from './changes-file'

/** Variables whose values must never reach a log, on any platform. */
const SECRET_VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']

/** Inputs → config → deploy → outputs. Every error ends here, as one clear failure. */
export async function run(
  argv: readonly string[] = [],
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd()
): Promise<void> {
  // This bundle pins its SDK and supports Node 20; the SDK's notice about its own future
  // releases needing Node 22 is not actionable for our users, so keep it out of their logs.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  const platform = await detectPlatform(env)
  for (const name of SECRET_VARIABLES) {
    const value = env[name]
    // Real keys are 16+ characters; masking a dummy like "test" would only garble the log.
    if (value && value.length >= 8) platform.setSecret(value)
  }
  let config: DeployConfig | undefined
  let result: DeployResult | undefined
  try {
    const command = readInputs(argv, env)
    if (command.help) {
      process.stdout.write(helpText())
      return
    }
    if (command.version) {
      process.stdout.write(`${VERSION}\n`)
      return
    }
    // Masked as soon as it is read, before anything could print it.
    if (command.inputs['web-identity-token'])
      platform.setSecret(command.inputs['web-identity-token'])
    config = parseConfig(command.inputs, env, cwd, ciRun(env).id)
    if (config.changesFile) await checkChangesFile(config.changesFile)
    result = emptyResult(config.dryRun)
    // The AWS SDK is loaded only now, for a deploy with valid inputs.
    await loadAwsHalf()(config, platform, env, result)
    await report(platform, config, result)
  } catch (err) {
    let message = err instanceof Error ? err.message : String(err)
    if (config && result) {
      const remaining = remainingWork(result)
      // Only a deploy that changed something can have left something half done.
      if (remaining.length > 0 && result.changedAnything) {
        const heldBack = result.deleted === 0 && (result.plan?.deletes.length ?? 0) > 0
        message += `\nNot done: ${remaining.join(', ')}${heldBack ? ' (nothing is deleted after a failure)' : ''}. Rerunning the deploy completes it.`
      }
      await report(platform, config, result, message).catch(e =>
        platform.warning(`Could not write the outputs: ${e}`)
      )
    }
    if (!isExpectedError(err)) debugStack(platform, err)
    platform.fail(message)
  }
}

async function report(
  platform: Platform,
  config: DeployConfig,
  result: DeployResult,
  failure?: string
) {
  const outputs = buildOutputs(result, config.changesFile)
  for (const [name, value] of Object.entries(outputs)) platform.setOutput(name, value)
  if (config.outputsFile) await writeFile(config.outputsFile, toDotenv(outputs))
  // The deploy is done whatever happens to its summary: a summary that cannot be written warns.
  await platform
    .writeSummary(summaryMarkdown(config, result, failure))
    .catch(err => platform.warning(`Could not write the job summary: ${(err as Error).message}`))
  // For people reading the log: the outputs, whatever the platform.
  platform.info(
    Object.entries(outputs)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n')
  )
  if (config.changesFile) {
    await writeChangesFile(config.changesFile, changesReport(config, result, failure !== undefined))
  }
}

function debugStack(platform: Platform, err: unknown): void {
  const cause = err instanceof StepError ? err.cause : err
  if (cause instanceof Error && cause.stack) platform.debug(cause.stack)
}
