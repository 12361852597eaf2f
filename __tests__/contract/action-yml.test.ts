import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { parse } from 'yaml'
import { INPUT_SPECS, OUTPUTS } from '../../src/config/inputs'

import { ROOT } from '../helpers/repo'
const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8'))
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8')

describe('action.yml is the same contract as the code', () => {
  test('runs the bundle on the current Node runtime', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
  })

  test('every input, with the default the code applies', () => {
    expect(Object.keys(action.inputs)).toEqual(INPUT_SPECS.map(i => i.name))
    for (const spec of INPUT_SPECS) {
      const declared = action.inputs[spec.name]
      expect([spec.name, declared.description]).toEqual([spec.name, spec.description])
      expect([spec.name, declared.required ?? false]).toEqual([spec.name, spec.required ?? false])
      if (!spec.required)
        expect([spec.name, String(declared.default)]).toEqual([spec.name, spec.default ?? ''])
    }
  })

  test('every output', () => {
    expect(Object.keys(action.outputs)).toEqual(OUTPUTS.map(o => o.name))
  })

  test('the README documents every input and output in its tables', () => {
    for (const spec of INPUT_SPECS) expect(readme).toContain(`| \`${spec.name}\``)
    for (const output of OUTPUTS) expect(readme).toContain(`| \`${output.name}\``)
  })
})
