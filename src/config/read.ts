import { parseArgs } from 'node:util'
import { INPUTS, type InputName } from './inputs'
import { InputError } from './input-error'

export type RawInputs = Partial<Record<InputName, string>>

export interface CommandLine {
  help: boolean
  version: boolean
  inputs: RawInputs
}

/**
 * The one reader of inputs. Precedence: command-line flag, then `INPUT_NAME-WITH-DASHES`
 * (what the GitHub runner sets), then `INPUT_NAME_WITH_UNDERSCORES` (what GitLab variables can
 * express). Values are trimmed; an empty value counts as unset, so defaults apply in code.
 */
export function readInputs(argv: readonly string[], env: NodeJS.ProcessEnv): CommandLine {
  const cli = parseCommandLine(argv)
  const inputs: RawInputs = {}
  for (const spec of INPUTS) {
    const upper = spec.name.toUpperCase()
    const candidates = [
      cli.inputs[spec.name],
      env[`INPUT_${upper.replace(/ /g, '_')}`],
      env[`INPUT_${upper.replace(/[- ]/g, '_')}`]
    ]
    for (const value of candidates) {
      if (value !== undefined && value.trim() !== '') {
        inputs[spec.name] = value.trim()
        break
      }
    }
  }
  return { help: cli.help, version: cli.version, inputs }
}

function parseCommandLine(argv: readonly string[]): CommandLine {
  const booleans = new Set<string>(INPUTS.filter(i => i.kind === 'boolean').map(i => i.name))
  // parseArgs has no "boolean with optional value": `--delete` becomes `--delete=true` unless a
  // value follows (no positionals exist, so a following word is the flag's value, validated
  // later like any input), and `--no-delete` becomes `--delete=false`.
  const args: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    const flag = arg.startsWith('--') && !arg.includes('=') ? arg.slice(2) : undefined
    if (flag !== undefined && booleans.has(flag)) {
      const next = argv[i + 1]
      if (next !== undefined && !next.startsWith('-')) {
        args.push(`--${flag}=${next}`)
        i++
      } else {
        args.push(`--${flag}=true`)
      }
    } else if (flag?.startsWith('no-') && booleans.has(flag.slice(3))) {
      args.push(`--${flag.slice(3)}=false`)
    } else if (flag !== undefined && /^-\d/.test(argv[i + 1] ?? '')) {
      // `--max-deletes -1`: a negative number is the flag's value, not a flag of its own.
      args.push(`--${flag}=${argv[i + 1]}`)
      i++
    } else {
      args.push(arg)
    }
  }

  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean' }
  }
  for (const spec of INPUTS) options[spec.name] = { type: 'string' }

  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: false })
  } catch (err) {
    throw new InputError(describeParseError(err as Error))
  }
  const values = parsed.values as Record<string, string | boolean | undefined>
  const inputs: RawInputs = {}
  for (const spec of INPUTS) {
    const value = values[spec.name]
    if (typeof value === 'string') inputs[spec.name] = value
  }
  return { help: values.help === true, version: values.version === true, inputs }
}

/**
 * The input an unknown flag was meant to be, spelled another way: `--distribution_id`,
 * `--Dry-Run`, `--dryrun`, `--no-wait` for a boolean.
 */
function meant(flag: string): string | undefined {
  const squash = (text: string) => text.toLowerCase().replace(/[-_ ]/g, '')
  const word = flag.replace(/^-+/, '')
  const negated = /^no[-_]?/i.test(word) ? squash(word.replace(/^no[-_]?/i, '')) : undefined
  const exact = INPUTS.find(i => squash(i.name) === squash(word))
  if (exact) return `--${exact.name}`
  const flipped = INPUTS.find(i => i.kind === 'boolean' && squash(i.name) === negated)
  return flipped ? `--no-${flipped.name}` : undefined
}

function describeParseError(err: Error & { code?: string }): string {
  const option = /'(-{1,2}[^' ]+)/.exec(err.message)?.[1]
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const suggestion = option === undefined ? undefined : meant(option)
      return `Unknown flag '${option ?? err.message}'${suggestion ? `: did you mean ${suggestion}?` : '.'} Run with --help to list the flags.`
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': {
      // Show only the start of a long stray value: it may be a token whose flag was forgotten.
      const value = /'([^']*)'/.exec(err.message)?.[1] ?? ''
      const shown = value.length > 24 ? `${value.slice(0, 8)}…` : value
      return `Unexpected argument '${shown}': every value needs its flag, e.g. --bucket my-bucket. Run with --help to list the flags.`
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return `Flag ${option ?? ''} needs a value. Run with --help to list the flags.`
    default:
      return `${err.message}. Run with --help to list the flags.`
  }
}
