/**
 * The input table (src/config/inputs.ts) is the one definition of the inputs and outputs:
 * action.yml, the GitLab component, the README's tables and --help must all say what it says.
 */
import { spawnSync } from 'node:child_process'
import * as path from 'node:path'
import { parse } from 'yaml'
import { helpText } from '../../src/config/help'
import { INPUT_SPECS, OUTPUTS, plainText } from '../../src/config/inputs'
import {
  CANNED_ACLS,
  FALSE_WORDS,
  OUTSIDE_SYMLINKS,
  SSE_ALGORITHMS,
  STORAGE_CLASSES,
  TRUE_WORDS
} from '../../src/config/choices'
import { readRepoFile, ROOT } from '../helpers/repo'

const action = parse(readRepoFile('action.yml'))

test('action.yml, the component, the README and docs/ hold what npm run generate writes', () => {
  const check = spawnSync(
    process.execPath,
    [path.join(ROOT, 'scripts', 'generate.cjs'), '--check'],
    {
      encoding: 'utf8'
    }
  )
  // On failure: edit src/config/inputs.ts or examples/, not the generated text; then run
  // `npm run generate` and commit what it writes.
  expect([check.status, check.stderr]).toEqual([0, ''])
})

describe('action.yml', () => {
  test('runs the bundle on the current Node runtime', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
  })

  test('every input, with the description and the default the code applies', () => {
    expect(Object.keys(action.inputs)).toEqual(INPUT_SPECS.map(i => i.name))
    for (const spec of INPUT_SPECS) {
      const declared = action.inputs[spec.name]
      expect([spec.name, declared.description]).toEqual([spec.name, plainText(spec.description)])
      expect([spec.name, declared.required ?? false]).toEqual([spec.name, spec.required ?? false])
      if (!spec.required)
        expect([spec.name, String(declared.default)]).toEqual([spec.name, spec.default ?? ''])
    }
  })

  test('every output', () => {
    expect(Object.keys(action.outputs)).toEqual(OUTPUTS.map(o => o.name))
    for (const o of OUTPUTS)
      expect(action.outputs[o.name].description).toBe(plainText(o.description))
  })
})

test("the README's tables: a row per input, with its default, and a row per output", () => {
  const readme = readRepoFile('README.md')
  for (const spec of INPUT_SPECS) {
    const shown = spec.required ? '(required)' : spec.default ? `\`${spec.default}\`` : spec.unset
    expect(readme).toContain(`| \`${spec.name}\` | ${shown ?? 'none'} | ${spec.description} |`)
  }
  for (const o of OUTPUTS) expect(readme).toContain(`| \`${o.name}\` | ${o.description} |`)
})

test('--help: every input as a flag, with its description and default, and every output', () => {
  const help = helpText()
  for (const spec of INPUT_SPECS) {
    const value = spec.kind === 'boolean' ? '[true|false]' : `<${spec.placeholder}>`
    expect(help).toContain(`  --${spec.name} ${value}\n      ${plainText(spec.description)}`)
    if (spec.required) expect(help).toContain(`${plainText(spec.description)} (required)`)
    else if (spec.default)
      expect(help).toContain(`${plainText(spec.description)} (default: ${spec.default})`)
  }
  for (const o of OUTPUTS) expect(help).toContain(`  ${o.name}: ${plainText(o.description)}`)
})

test('every choice-valued input lists every value its parser accepts, in its placeholder and its description', () => {
  const choices: [string, readonly string[]][] = [
    ['acl', CANNED_ACLS],
    ['storage-class', STORAGE_CLASSES],
    ['sse', SSE_ALGORITHMS],
    ['outside-symlinks', OUTSIDE_SYMLINKS]
  ]
  const help = helpText()
  for (const [name, values] of choices) {
    const spec = INPUT_SPECS.find(s => s.name === name)!
    expect([name, spec.placeholder]).toEqual([name, values.join('|')])
    expect(help).toContain(`  --${name} <${values.join('|')}>`)
    for (const value of values)
      expect([name, spec.description]).toEqual([name, expect.stringContaining(`\`${value}\``)])
  }
  // sse-kms-key-id goes with either KMS algorithm.
  const kmsKey = INPUT_SPECS.find(s => s.name === 'sse-kms-key-id')!
  for (const sse of SSE_ALGORITHMS.filter(a => a.startsWith('aws:kms')))
    expect(kmsKey.description).toContain(`\`sse: ${sse}\``)
  // Booleans: every word, in --help and the README.
  const readme = readRepoFile('README.md')
  for (const word of [...TRUE_WORDS, ...FALSE_WORDS]) {
    expect(help).toMatch(new RegExp(`Booleans accept .*\\b${word}\\b`))
    expect(readme).toMatch(new RegExp(`Booleans accept .*\`${word}\``))
  }
})

test("plain text keeps a link's words and drops pointers to the docs and code marks", () => {
  expect(plainText('Globs, e.g. `*.md`. See [patterns](docs/a.md#p).')).toBe('Globs, e.g. *.md.')
  expect(plainText("A [preview's teardown](docs/previews.md), at once.")).toBe(
    "A preview's teardown, at once."
  )
})
