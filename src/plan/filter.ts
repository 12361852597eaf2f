import { globMatcher, parseGlobs } from './match'
import { formatCount } from './format'
import { shorten } from './keys'

/**
 * Which files the sync covers: those matching `include` (everything when empty) and not
 * `exclude`. Out of scope means neither uploaded nor deleted remotely, as with `aws s3 sync`.
 */
export function createFilter(include: string, exclude: string): (relPath: string) => boolean {
  const includes = parseGlobs(include).map(g => globMatcher(g.pattern))
  const excludes = parseGlobs(exclude).map(g => globMatcher(g.pattern))
  return relPath =>
    (includes.length === 0 || includes.some(m => m(relPath))) && !excludes.some(m => m(relPath))
}

export interface Filters {
  include: readonly string[]
  exclude: readonly string[]
}

/** How many example paths a refusal shows, so a glob's anchoring can be checked against them. */
const EXAMPLES = 3

const quotedList = (globs: readonly string[]) => globs.map(g => `'${g}'`).join(', ')

/**
 * The refusal when include/exclude leave none of the source's files: which input did it, with
 * the counts and a few of the paths the globs were matched against.
 */
export function describeNothingInScope(
  found: readonly string[],
  filters: Filters,
  source: string
): string {
  const includes = filters.include.map(globMatcher)
  const matched = includes.length === 0 ? found : found.filter(f => includes.some(m => m(f)))
  const total = `${formatCount(found.length)} file(s) in '${source}'`
  const examples = found
    .slice(0, EXAMPLES)
    .map(f => `'${shorten(f, 60)}'`)
    .join(', ')
  const hint = `Nothing was changed. The globs are matched against paths relative to the source, such as ${examples}${found.length > EXAMPLES ? ', …' : ''}: a glob without '/' matches the file name at any depth (*.html), one with '/' the path from the source (docs/**).`
  if (matched.length === 0) {
    return `Input 'include' leaves nothing to deploy: 0 of ${total} match include ${quotedList(filters.include)}. ${hint}`
  }
  if (includes.length === 0) {
    return `Input 'exclude' leaves nothing to deploy: exclude ${quotedList(filters.exclude)} matches all ${total}. ${hint}`
  }
  return `Inputs 'include' and 'exclude' leave nothing to deploy: ${formatCount(matched.length)} of ${total} match include ${quotedList(filters.include)}, and exclude ${quotedList(filters.exclude)} leaves out every one of them. ${hint}`
}
