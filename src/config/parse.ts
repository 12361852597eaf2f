// Parsers any input can use: each returns the typed value, or throws an InputError naming the
// input, what was expected and what was given.
import { invalidInput } from './input-error'
import { FALSE_WORDS, TRUE_WORDS } from './choices'

export function parseBoolean(name: string, value: string): boolean {
  const word = value.toLowerCase()
  if ((TRUE_WORDS as readonly string[]).includes(word)) return true
  if ((FALSE_WORDS as readonly string[]).includes(word)) return false
  throw invalidInput(name, value, 'must be true or false')
}

export function parseChoice<T extends string>(
  name: string,
  value: string,
  choices: readonly T[]
): T {
  const found = choices.find(c => c === value.toLowerCase())
  if (found === undefined) throw invalidInput(name, value, `must be one of ${choices.join(', ')}`)
  return found
}

export function parseInteger(
  name: string,
  value: string,
  min: number,
  max: number,
  expected = `must be a whole number from ${min} to ${max}`
): number {
  const n = /^[+-]?\d+$/.test(value) ? Number(value) : NaN
  if (!Number.isSafeInteger(n) || n < min || n > max) throw invalidInput(name, value, expected)
  return n
}

const DURATION_UNITS: Record<string, number> = { d: 86400, h: 3600, m: 60, s: 1 }
/** Longer than any tab stays open, short of keeping every build forever. */
const MAX_DURATION_SECONDS = 365 * 86400

/** `7d`, `12h`, `30m`, `45s` (or `0`) → seconds; anything else is refused, naming the input. */
export function parseDuration(name: string, value: string): number {
  const m = /^(\d+)\s*([dhms]?)$/i.exec(value)
  const n = m ? Number(m[1]) : NaN
  const unit = m?.[2]?.toLowerCase() ?? ''
  // A bare number is ambiguous (seconds? days?), except 0.
  const seconds = unit === '' ? (n === 0 ? 0 : NaN) : n * (DURATION_UNITS[unit] as number)
  if (!Number.isSafeInteger(seconds) || seconds > MAX_DURATION_SECONDS) {
    throw invalidInput(
      name,
      value,
      'must be a duration such as 7d, 12h, 30m or 45s (at most 365d), or 0'
    )
  }
  return seconds
}

/** Newline- or comma-separated list, blanks dropped. */
export function splitList(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map(s => s.trim())
    .filter(s => s !== '')
}
