import type { DeployConfig } from './config/config'
import { OUTPUTS, type OutputName } from './config/inputs'
import type { DeployResult } from './deploy'
import { formatBytes } from './plan/describe'

export type Outputs = Record<OutputName, string>

/** The step outputs. One distribution: plain values; several: JSON objects keyed by distribution ID. */
export function buildOutputs(result: DeployResult): Outputs {
  const { invalidations } = result
  const byDistribution = (pick: (i: (typeof invalidations)[number]) => string) =>
    JSON.stringify(Object.fromEntries(invalidations.map(i => [i.distributionId, pick(i)])))
  return {
    'invalidation-id':
      invalidations.length === 0
        ? ''
        : invalidations.length === 1
          ? invalidations[0]!.id
          : byDistribution(i => i.id),
    'invalidation-status':
      invalidations.length === 0
        ? 'none'
        : invalidations.length === 1
          ? invalidations[0]!.status
          : byDistribution(i => i.status),
    'invalidation-paths': JSON.stringify(
      result.dryRun || invalidations.length > 0 ? result.invalidationPaths : []
    ),
    uploaded: String(result.uploaded),
    deleted: String(result.deleted),
    unchanged: String(result.plan?.unchanged.length ?? 0)
  }
}

/** GitLab's dotenv rules: NAME=value, one line each, no quotes or spaces, the file under 5 KB. */
export const DOTENV_BUDGET = 4096

export function toDotenv(outputs: Outputs): string {
  const name = (output: string) => output.toUpperCase().replace(/-/g, '_')
  const lines = OUTPUTS.filter(o => o.name !== 'invalidation-paths').map(
    o => `${name(o.name)}=${outputs[o.name]}`
  )
  // The path list is the only value that can grow: keep as many paths as fit, as valid JSON.
  const paths = JSON.parse(outputs['invalidation-paths']) as string[]
  const used = lines.join('\n').length + 64
  let kept = paths.length
  while (kept > 0 && JSON.stringify(paths.slice(0, kept)).length > DOTENV_BUDGET - used) kept--
  lines.push(`INVALIDATION_PATHS=${JSON.stringify(paths.slice(0, kept))}`)
  if (kept < paths.length) lines.push(`INVALIDATION_PATHS_TRUNCATED=${paths.length - kept}`)
  return lines.map(l => l.replace(/[\r\n]/g, '')).join('\n') + '\n'
}

/** Markdown for GitHub's job summary. */
export function summaryMarkdown(
  config: DeployConfig,
  result: DeployResult,
  failure?: string
): string {
  const outputs = buildOutputs(result)
  const plan = result.plan
  const bytes = plan ? plan.uploads.reduce((sum, u) => sum + u.file.size, 0) : 0
  const rows: [string, string][] = [
    ['Target', `\`s3://${config.bucket}/${config.prefix}\``],
    [
      'Uploaded',
      `${outputs.uploaded}${plan ? ` of ${plan.uploads.length} (${formatBytes(bytes)})` : ''}`
    ],
    ['Deleted', outputs.deleted],
    ['Unchanged', outputs.unchanged],
    [
      'Invalidation',
      result.invalidations.length === 0
        ? 'none'
        : result.invalidations
            .map(i => `\`${i.id}\` on \`${i.distributionId}\`: ${i.status}`)
            .join('<br>')
    ],
    [
      'Paths invalidated',
      String(result.invalidations.length > 0 ? result.invalidationPaths.length : 0)
    ]
  ]
  const title = failure
    ? '### ❌ Deploy failed'
    : result.dryRun
      ? '### Deploy plan (dry run)'
      : '### ✅ Deployed'
  return [
    title,
    '',
    ...(failure ? [failure.replace(/\n/g, ' '), ''] : []),
    '| | |',
    '|---|---|',
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    ''
  ].join('\n')
}

/** What a failed deploy did not do, for the error message: the rerun will do it. */
export function remainingWork(config: DeployConfig, result: DeployResult): string[] {
  const plan = result.plan
  if (!plan || result.dryRun) return []
  const remaining: string[] = []
  if (result.uploaded < plan.uploads.length)
    remaining.push(`${plan.uploads.length - result.uploaded} upload(s)`)
  const paths = result.invalidationPaths.length > 0
  if (paths && result.invalidations.length < config.distributionIds.length)
    remaining.push('the invalidation')
  if (result.deleted < plan.deletes.length)
    remaining.push(`${plan.deletes.length - result.deleted} deletion(s)`)
  return remaining
}
