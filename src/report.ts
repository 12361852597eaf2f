import type { DeployConfig } from './config/config'
import { OUTPUTS, type OutputName } from './config/inputs'
import type { DeployResult, InvalidationTarget } from './steps/context'
import { coverNote, describeCost } from './plan/cost'
import { describeKept, formatTime, listed } from './plan/describe'
import { formatBytes } from './plan/format'

export type Outputs = Record<OutputName, string>

/**
 * The step outputs. With one distribution, plain values (and a JSON array of paths); with
 * several, each invalidation output is a JSON object keyed by distribution ID. `changesFile`:
 * the report's path, when one is written.
 */
export function buildOutputs(result: DeployResult, changesFile?: string): Outputs {
  const { invalidations } = result
  const several = result.targets.length > 1
  const byDistribution = <T>(pick: (i: (typeof invalidations)[number]) => T) =>
    JSON.stringify(Object.fromEntries(invalidations.map(i => [i.distributionId, pick(i)])))
  // Paths actually sent; in a dry run, the paths that would be.
  const sent: InvalidationTarget[] = result.dryRun
    ? result.targets.filter(t => t.paths.length > 0)
    : result.targets.filter(t => invalidations.some(i => i.distributionId === t.distributionId))
  return {
    'invalidation-id':
      invalidations.length === 0
        ? ''
        : several
          ? byDistribution(i => i.id)
          : (invalidations[0]?.id ?? ''),
    'invalidation-status':
      invalidations.length === 0
        ? 'none'
        : several
          ? byDistribution(i => i.status)
          : (invalidations[0]?.status ?? ''),
    'invalidation-paths': several
      ? JSON.stringify(Object.fromEntries(sent.map(t => [t.distributionId, t.paths])))
      : JSON.stringify(sent[0]?.paths ?? []),
    uploaded: String(result.uploaded),
    deleted: String(result.deleted),
    updated: String(result.updated),
    unchanged: String(result.plan?.unchanged.length ?? 0),
    release: result.release,
    url: result.url,
    'changes-file': changesFile ?? ''
  }
}

/** The dotenv name GitLab's dynamic environment URL reads (`environment: url: $DYNAMIC_ENVIRONMENT_URL`). */
export const DYNAMIC_ENVIRONMENT_URL = 'DYNAMIC_ENVIRONMENT_URL'

/** GitLab's dotenv rules: NAME=value, one line each, no quotes or spaces, the file under 5 KB. */
export const DOTENV_BUDGET = 4096

export function toDotenv(outputs: Outputs): string {
  const name = (output: string) => output.toUpperCase().replace(/-/g, '_')
  const lines = OUTPUTS.filter(o => o.name !== 'invalidation-paths').map(
    o => `${name(o.name)}=${outputs[o.name]}`
  )
  // So the deploy job can set its own environment's URL from its dotenv report.
  if (outputs.url) lines.push(`${DYNAMIC_ENVIRONMENT_URL}=${outputs.url}`)
  // The path list is the only value that can grow: keep as many paths as fit, as valid JSON.
  const budget = DOTENV_BUDGET - lines.join('\n').length - 80
  const { json, left } = fitPaths(
    JSON.parse(outputs['invalidation-paths']) as string[] | Record<string, string[]>,
    budget
  )
  lines.push(`INVALIDATION_PATHS=${json}`)
  if (left > 0) lines.push(`INVALIDATION_PATHS_TRUNCATED=${left}`)
  return lines.map(l => l.replace(/[\r\n]/g, '')).join('\n') + '\n'
}

/** The paths (an array, or arrays by distribution) cut to `budget` characters of JSON. */
function fitPaths(
  paths: string[] | Record<string, string[]>,
  budget: number
): { json: string; left: number } {
  const lists = Array.isArray(paths) ? { '': paths } : paths
  const total = Object.values(lists).reduce((n, l) => n + l.length, 0)
  const render = (keep: number) => {
    const cut = Object.fromEntries(Object.entries(lists).map(([k, l]) => [k, l.slice(0, keep)]))
    return Array.isArray(paths) ? JSON.stringify(cut['']) : JSON.stringify(cut)
  }
  let keep = Math.max(0, ...Object.values(lists).map(l => l.length))
  while (keep > 0 && render(keep).length > budget) keep--
  const kept = Object.values(lists).reduce((n, l) => n + Math.min(l.length, keep), 0)
  return { json: render(keep), left: total - kept }
}

/** Markdown for GitHub's job summary. */
export function summaryMarkdown(
  config: DeployConfig,
  result: DeployResult,
  failure?: string
): string {
  const outputs = buildOutputs(result, config.changesFile)
  const plan = result.plan
  const bytes = plan ? plan.uploads.reduce((sum, u) => sum + u.file.size, 0) : 0
  const invalidated = result.targets.filter(t => t.paths.length > 0)
  const on = (t: InvalidationTarget) =>
    invalidated.length > 1 ? ` on \`${t.distributionId}\`` : ''
  const rows: [string, string][] = [
    ['Target', `\`s3://${config.bucket}/${config.prefix}\``],
    ...(result.url ? [['URL', result.url] as [string, string]] : []),
    [
      'Uploaded',
      `${outputs.uploaded}${plan ? ` of ${plan.uploads.length} (${formatBytes(bytes)})` : ''}`
    ],
    ['Headers updated', `${outputs.updated}${plan ? ` of ${plan.updates.length}` : ''}`],
    ['Deleted', `${outputs.deleted}${plan ? ` of ${plan.deletes.length}` : ''}`],
    ...(plan?.kept.length ? [['Kept', describeKept(plan.kept)] as [string, string]] : []),
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
      'Invalidation paths',
      invalidated.length === 0
        ? '0'
        : invalidated.map(t => `${describeCost(t.paths, t.cost)}${on(t)}`).join('<br>')
    ]
  ]
  // Each path, and how many changed URLs each wildcard stands for.
  const lists = invalidated.flatMap(t => [
    `Invalidation paths${on(t)}:`,
    '',
    ...listed(
      t.paths.map(p => `\`${p}\`${coverNote(p, t.cost)}`),
      '- '
    ),
    ''
  ])
  const what = config.remove ? 'Removal' : 'Deploy'
  const kept = plan?.kept.length
    ? [
        'Removed assets kept (keep-removed-assets), neither deleted nor invalidated:',
        '',
        ...listed(
          plan.kept.map(a => `\`${a.key}\` until ${formatTime(a.until)}`),
          '- '
        ),
        ''
      ]
    : []
  const title = failure
    ? `### ❌ ${what} failed`
    : result.dryRun
      ? `### ${what} plan (dry run)`
      : config.remove
        ? '### ✅ Removed'
        : '### ✅ Deployed'
  return [
    title,
    '',
    ...(failure ? [failure.replace(/\n/g, ' '), ''] : []),
    '| | |',
    '|---|---|',
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    '',
    ...lists,
    ...kept
  ].join('\n')
}

/** What a failed deploy did not do, for the error message: the rerun will do it. */
export function remainingWork(result: DeployResult): string[] {
  const plan = result.plan
  if (!plan || result.dryRun) return []
  const remaining: string[] = []
  if (result.uploaded < plan.uploads.length)
    remaining.push(`${plan.uploads.length - result.uploaded} upload(s)`)
  const planned = result.targets.filter(t => t.paths.length > 0).length
  if (result.invalidations.length < planned)
    remaining.push(`${planned - result.invalidations.length} invalidation(s)`)
  if (result.deleted < plan.deletes.length)
    remaining.push(`${plan.deletes.length - result.deleted} deletion(s)`)
  return remaining
}
