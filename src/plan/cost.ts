import { covers } from './fold'
import { formatCount } from './format'

/** What an invalidation costs: its paths, and how many changed URLs each wildcard stands for. */
export interface PathCost {
  /** Each wildcard sent, with the number of changed URLs it covers. */
  wildcards: { path: string; changed: number }[]
  /** Changed URLs covered by at least one wildcard. */
  underWildcards: number
}

export function pathCost(paths: readonly string[], changedUrls: readonly string[]): PathCost {
  const urls = [...new Set(changedUrls)]
  const wildcards = paths
    .filter(p => p.endsWith('*'))
    .map(path => ({ path, changed: urls.filter(u => covers(path, u)).length }))
  const underWildcards = urls.filter(u => wildcards.some(w => covers(w.path, u))).length
  return { wildcards, underWildcards }
}

const count = (n: number, what: string) => `${formatCount(n)} ${what}${n === 1 ? '' : 's'}`

/** `4 paths (2 wildcards covering 141 changed URLs)`, or `6 paths` without a wildcard. */
export function describeCost(paths: readonly string[], cost: PathCost | undefined): string {
  const wildcards = cost?.wildcards.length ?? paths.filter(p => p.endsWith('*')).length
  if (wildcards === 0) return count(paths.length, 'path')
  const covering = cost ? ` covering ${count(cost.underWildcards, 'changed URL')}` : ''
  return `${count(paths.length, 'path')} (${count(wildcards, 'wildcard')}${covering})`
}

/** What a path stands for, after it in the log and the summary: ` (120 changed URLs)` for a wildcard. */
export function coverNote(path: string, cost: PathCost | undefined): string {
  const wildcard = cost?.wildcards.find(w => w.path === path)
  return wildcard ? ` (${count(wildcard.changed, 'changed URL')})` : ''
}
