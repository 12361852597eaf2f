import { coverNote, describeCost, type PathCost } from './cost'
import type { RemovedAsset, SourceFile, SyncPlan } from './types'
import { formatBytes } from './format'

function describeHeaders(file: SourceFile): string {
  const h = file.headers
  return [
    h.contentType,
    h.cacheControl && `Cache-Control: ${h.cacheControl}`,
    h.contentEncoding && `Content-Encoding: ${h.contentEncoding}`
  ]
    .filter(Boolean)
    .join('; ')
}

/** At most this many per-file lines per list; beyond it, a count. */
export const MAX_LISTED = 100

/** The plan as log lines: one per changed file, a count when there are very many. */
export function describePlan(plan: SyncPlan, dryRun: boolean): string[] {
  const lines = [
    `${plan.uploads.length} to upload, ${plan.updates.length ? `${plan.updates.length} to update headers, ` : ''}${plan.deletes.length} to delete, ${plan.kept.length ? `${plan.kept.length} kept, ` : ''}${plan.unchanged.length} unchanged`
  ]
  if (plan.uploads.length > 0) {
    lines.push(`${dryRun ? 'Would upload' : 'Uploading'} ${plan.uploads.length} file(s):`)
    lines.push(
      ...listed(
        plan.uploads.map(
          u =>
            `${u.reason === 'new' ? '+' : '~'} ${u.file.key} (${describeHeaders(u.file)}, ${formatBytes(u.file.size)})`
        )
      )
    )
  }
  if (plan.updates.length > 0) {
    lines.push(
      `${dryRun ? 'Would update' : 'Updating'} the headers of ${plan.updates.length} object(s):`
    )
    lines.push(...listed(plan.updates.map(f => `* ${f.key} (${describeHeaders(f)})`)))
  }
  if (plan.kept.length > 0) {
    lines.push(
      `${dryRun ? 'Would keep' : 'Keeping'} ${describeKept(plan.kept)} (keep-removed-assets), neither deleted nor invalidated:`
    )
    lines.push(
      ...listed(
        plan.kept.map(
          a =>
            `= ${a.key} (left the build ${formatTime(a.removedAt)}; deleted by the first deploy from ${formatTime(a.until)})`
        )
      )
    )
  }
  if (plan.deletes.length > 0) {
    const expired = new Map(plan.expired.map(a => [a.key, a]))
    lines.push(`${dryRun ? 'Would delete' : 'Deleting'} ${plan.deletes.length} object(s):`)
    lines.push(
      ...listed(
        plan.deletes.map(k => {
          const asset = expired.get(k)
          return asset
            ? `- ${k} (left the build ${formatTime(asset.removedAt)}; its keep-removed-assets period is over)`
            : `- ${k}`
        })
      )
    )
  }
  return lines
}

/**
 * `3 removed asset(s) until 2026-12-03`: the latest end of their periods, as a date, or to the
 * second for periods shorter than a day.
 */
export function describeKept(kept: readonly RemovedAsset[]): string {
  const last = kept.reduce((a, b) => (b.until > a.until ? b : a))
  const until = formatTime(last.until)
  return `${kept.length} removed asset(s) until ${last.until - last.removedAt >= 86400 ? until.slice(0, 10) : until}`
}

/** Epoch seconds as `2026-12-03 14:05:09 UTC`. */
export function formatTime(epochSeconds: number): string {
  return `${new Date(epochSeconds * 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

/** The invalidation paths for one distribution, and what they cost, as log lines. */
export function describePaths(
  paths: readonly string[],
  dryRun: boolean,
  distributionId?: string,
  cost?: PathCost
): string[] {
  const on = distributionId ? ` on ${distributionId}` : ''
  return [
    `${dryRun ? 'Would invalidate' : 'Invalidating'} ${describeCost(paths, cost)}${on}:`,
    ...listed(paths.map(p => `${p}${coverNote(p, cost)}`))
  ]
}

/** At most MAX_LISTED items, one a line after `bullet` (log lines indent; Markdown uses '- '). */
export function listed(items: readonly string[], bullet = '  '): string[] {
  const lines = items.slice(0, MAX_LISTED).map(item => `${bullet}${item}`)
  if (items.length > MAX_LISTED) lines.push(`${bullet}… and ${items.length - MAX_LISTED} more`)
  return lines
}
