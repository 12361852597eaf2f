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

/** RFC 9110 §5.6.2: a token is one or more of these. */
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+"
/** RFC 9111 §5.2: `cache-directive = token [ "=" ( token / quoted-string ) ]`, comma-separated. */
const DIRECTIVE = new RegExp(`^(${TOKEN})(?:=(${TOKEN}|"(?:[^"\\\\]|\\\\.)*"))?$`)
/** Directives whose argument is delta-seconds (RFC 9111 §5.2, RFC 5861): a whole number. */
const SECONDS = new Set([
  'max-age',
  's-maxage',
  'min-fresh',
  'max-stale',
  'stale-while-revalidate',
  'stale-if-error'
])

/**
 * One line of visible ASCII, and a list of directives a cache can read: a value such as
 * `1 year` or `max-age=forever` would be stored and served, and then ignored by every cache.
 */
export function checkCacheControl(value: string): string | undefined {
  if (!/^[\x20-\x7e]+$/.test(value)) return 'a Cache-Control value must be printable ASCII'
  // Commas inside a quoted argument (no-cache="Set-Cookie, X") do not separate directives.
  const directives = value.match(/(?:"(?:[^"\\]|\\.)*"|[^,"])+|"/g) ?? []
  for (const raw of directives) {
    const directive = raw.trim()
    if (directive === '') continue
    const m = DIRECTIVE.exec(directive)
    if (!m) {
      return `'${directive}' is not a Cache-Control directive (directives are separated by commas, such as 'public, max-age=3600')`
    }
    const [, name = '', arg] = m
    const lower = name.toLowerCase()
    // max-stale alone is valid (any staleness); max-age and s-maxage need their number.
    const needsNumber = lower === 'max-age' || lower === 's-maxage'
    if (SECONDS.has(lower) && (arg === undefined ? needsNumber : !/^\d+$/.test(arg))) {
      return `${name} takes a number of seconds, such as ${name}=3600`
    }
  }
  return undefined
}

export function checkContentType(value: string): string | undefined {
  return /^[\w.+-]+\/[\w.+-]+(\s*;\s*[\w.+-]+=("[^"]*"|[\w.+-]+))*$/.test(value)
    ? undefined
    : "a Content-Type must look like 'type/subtype' or 'type/subtype; charset=utf-8'"
}
