import { readInputs } from './config/read'
import { parseConfig, type DeployConfig } from './config/config'
import { helpText } from './config/help'
import { version as VERSION } from '../package.json'
import { detectPlatform, type Platform } from './platform'
import { ciRun } from './platform/ci-run'
import { emptyResult, type DeployResult } from './steps/context'
import { checkSource } from './steps/check-source'
import { checkOutputsFile, writeOutputsFile } from './local/outputs-file'
import { buildOutputs, remainingWork, summaryMarkdown, toDotenv } from './report'
import { isExpectedError, StepError } from './aws/step-error'
import { loadAwsHalf } from './load-aws-half'
import { changesReport, checkChangesFile, writeChangesFile } from './changes-file'

/** Variables whose values must never reach a log, on any platform. */
const SECRET_VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']

/** Inputs → config → local checks → deploy → outputs. Every error ends here, as one failure. */
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
    // A dummy like "test" is left alone by setSecret: masking it would only garble the log.
    if (value) platform.setSecret(value)
  }
  let config: DeployConfig | undefined
  let result: DeployResult | undefined
  let failure: string | undefined
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
    // What the runner's disk can refuse, refused before any request.
    if (config.outputsFile) await checkOutputsFile(config.outputsFile)
    if (config.changesFile) await checkChangesFile(config.changesFile)
    // A removal or a rollback publishes nothing from the source.
    if (!config.remove && config.release?.rollback === undefined) await checkSource(config)
    result = emptyResult(config.dryRun)
    // The AWS SDK is loaded only now, for a deploy with valid inputs.
    await loadAwsHalf()(config, platform, env, result)
  } catch (err) {
    failure = err instanceof Error ? err.message : String(err)
    if (result) {
      const remaining = remainingWork(result)
      // Only a deploy that changed something can have left something half done.
      if (remaining.length > 0 && result.changedAnything) {
        const heldBack = result.deleted === 0 && (result.plan?.deletes.length ?? 0) > 0
        failure += `\nNot done: ${remaining.join(', ')}${heldBack ? ' (nothing is deleted after a failure)' : ''}. Rerunning the deploy completes it.`
      }
    }
    if (!isExpectedError(err)) debugStack(platform, err)
  }
  if (config && result) {
    let missing: string | undefined
    let unreported: string | undefined
    try {
      ;({ missing, unreported } = await report(platform, config, result, failure))
    } catch (err) {
      missing = `the step outputs could not be set (${(err as Error).message})`
    }
    // One error, whatever failed: the outputs file is named with the deploy's own outcome.
    if (missing) {
      failure = failure
        ? `${failure}\nThe outputs are missing too: ${missing}.`
        : `${done(config, result)}, but its outputs are missing: ${missing}. Later jobs get no outputs from this one; rerunning the deploy writes them.`
    }
    if (unreported) {
      failure = failure
        ? `${failure}\nThe changes file is missing too: ${unreported}.`
        : `${done(config, result)}, but its changes file is missing: ${unreported}. Rerunning the deploy writes it.`
    }
  }
  if (failure !== undefined) platform.fail(failure)
}

/** What a deploy that succeeded did, for a failure that came after it. */
function done(config: DeployConfig, result: DeployResult): string {
  const where = `s3://${config.bucket}/${config.prefix}`
  if (result.dryRun) return `The dry run against ${where} finished (nothing was changed)`
  return config.remove ? `${where} was removed` : `The site was deployed to ${where}`
}

/**
 * Step outputs, the outputs file, the job summary, the log and the changes file; returns why
 * either file is missing.
 */
async function report(
  platform: Platform,
  config: DeployConfig,
  result: DeployResult,
  failure?: string
): Promise<{ missing?: string; unreported?: string }> {
  const outputs = buildOutputs(result, config.changesFile)
  for (const [name, value] of Object.entries(outputs)) platform.setOutput(name, value)
  const missing = config.outputsFile
    ? await writeOutputsFile(config.outputsFile, toDotenv(outputs))
    : undefined
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
  let unreported: string | undefined
  if (config.changesFile) {
    await writeChangesFile(
      config.changesFile,
      changesReport(config, result, failure !== undefined)
    ).catch(err => (unreported = (err as Error).message))
  }
  return { missing, unreported }
}

function debugStack(platform: Platform, err: unknown): void {
  const cause = err instanceof StepError ? err.cause : err
  if (cause instanceof Error && cause.stack) platform.debug(cause.stack)
}
