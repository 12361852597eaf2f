import { InputError } from '../config/input-error'
import { globMatcher, parseGlobs, type Matcher } from './match'

export interface Rule {
  pattern: string
  value: string
  line: number
  matches: Matcher
}

/** A valid line of each rule input, for the message that refuses a malformed one. */
const EXAMPLES: Record<string, string> = {
  'cache-control': '*.html: no-cache',
  'content-type': '*.html: text/html; charset=utf-8',
  compress: '*.html: gzip'
}

/**
 * `PATTERN: VALUE` per line (`*.html: no-cache`); blank lines and # comments ignored. The first
 * rule that matches a file wins. A malformed line is refused, naming the input and the line.
 */
export function parseRules(
  input: string,
  text: string,
  validate: (value: string) => string | undefined
): Rule[] {
  return parseGlobs(text).map(({ pattern: line, line: number }) => {
    const colon = line.indexOf(':')
    const pattern = colon === -1 ? '' : line.slice(0, colon).trim()
    const value = colon === -1 ? '' : line.slice(colon + 1).trim()
    if (pattern === '' || value === '') {
      throw new InputError(
        `Input '${input}' line ${number} must be 'PATTERN: VALUE' (e.g. '${EXAMPLES[input] ?? '*.html: no-cache'}'), got '${line}'.`
      )
    }
    const problem = validate(value)
    if (problem)
      throw new InputError(`Input '${input}' line ${number}: ${problem}, got '${value}'.`)
    return { pattern, value, line: number, matches: globMatcher(pattern) }
  })
}

export function firstMatch(rules: readonly Rule[], relPath: string): string | undefined {
  return rules.find(r => r.matches(relPath))?.value
}

/** Header values are one line of visible ASCII. */
export function checkCacheControl(value: string): string | undefined {
  return /^[\x20-\x7e]+$/.test(value) ? undefined : 'a Cache-Control value must be printable ASCII'
}

export function checkContentType(value: string): string | undefined {
  return /^[\w.+-]+\/[\w.+-]+(\s*;\s*[\w.+-]+=("[^"]*"|[\w.+-]+))*$/.test(value)
    ? undefined
    : "a Content-Type must look like 'type/subtype' or 'type/subtype; charset=utf-8'"
}
