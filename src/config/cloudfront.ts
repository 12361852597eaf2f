import { invalidInput } from './input-error'
import { splitList } from './parse'
import { MAX_PATHS, MAX_WILDCARDS } from '../plan/fold'

/** CloudFront's limit on one invalidation path. */
const MAX_PATH_LENGTH = 4000

/** `distribution-id`: one or more IDs, each checked for CloudFront's format, duplicates dropped. */
export function parseDistributionIds(value: string): string[] {
  const ids = splitList(value)
  for (const id of ids) {
    if (!/^[A-Z0-9]{8,32}$/.test(id)) {
      throw invalidInput(
        'distribution-id',
        id,
        'must be a CloudFront distribution ID such as E1ABCDEF2GHIJK (not an ARN or a domain name)'
      )
    }
  }
  return [...new Set(ids)]
}

/** CloudFront's rules for a path: starts with '/', '*' only as the last character. */
export function parsePaths(value: string): string[] {
  const paths = splitList(value)
  if (paths.length === 0)
    throw invalidInput('paths', value, 'must list at least one path such as /*')
  for (const p of paths) {
    if (!p.startsWith('/')) throw invalidInput('paths', p, 'must hold paths that start with "/"')
    if (p.indexOf('*') !== -1 && p.indexOf('*') !== p.length - 1) {
      throw invalidInput('paths', p, 'may only have "*" as the last character of a path')
    }
    if (p.length > MAX_PATH_LENGTH) {
      throw invalidInput(
        'paths',
        `${p.slice(0, 40)}…`,
        `must hold paths of at most ${MAX_PATH_LENGTH} characters`
      )
    }
  }
  const unique = [...new Set(paths)]
  if (unique.length > MAX_PATHS) {
    throw invalidInput(
      'paths',
      `${unique.length} paths`,
      `must hold at most ${MAX_PATHS} paths (CloudFront's limit per request)`
    )
  }
  const wildcards = unique.filter(p => p.endsWith('*')).length
  if (wildcards > MAX_WILDCARDS) {
    throw invalidInput(
      'paths',
      `${wildcards} wildcard paths`,
      `must hold at most ${MAX_WILDCARDS} wildcard paths (CloudFront's limit); use a wider one such as /*`
    )
  }
  return unique
}
