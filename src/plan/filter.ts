import { globMatcher, parseGlobs } from './match'

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
