import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { parseAllDocuments } from 'yaml'
import { INPUT_SPECS, plainText, type InputSpec } from '../../src/config/inputs'

import { ROOT } from '../helpers/repo'
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
const docs = parseAllDocuments(readFileSync(path.join(ROOT, 'templates', 'deploy.yml'), 'utf8'))
const [header, body] = docs.map(d => d.toJS())
const spec = header.spec.inputs as Record<string, Record<string, unknown>>

/** Inputs of the component's own, before the action's. */
const OWN = ['job-name', 'stage', 'image']
/** GitLab inserts booleans and numbers typed; those go as flags (a variable must be a string). */
const typed = (s: InputSpec) => s.kind === 'boolean' || s.kind === 'integer'
const variable = (s: InputSpec) => `INPUT_${s.name.toUpperCase().replace(/-/g, '_')}`

describe('the GitLab component is the same contract as the code', () => {
  test('two documents: the spec header and the job', () => {
    expect(docs.map(d => d.errors)).toEqual([[], []])
    expect(Object.keys(body)).toEqual(['$[[ inputs.job-name ]]'])
  })

  test('every input of the action, in the order of the table, after its own', () => {
    expect(Object.keys(spec)).toEqual([...OWN, ...INPUT_SPECS.map(i => i.name)])
    expect(spec.stage).toMatchObject({ default: 'deploy' })
    expect(spec.image).toMatchObject({ default: 'node:24' })
  })

  test('each with its description, its default and a type that follows its kind', () => {
    for (const input of INPUT_SPECS) {
      const declared = spec[input.name]!
      const expected: Record<string, unknown> = { description: plainText(input.description) }
      if (input.kind === 'boolean') expected.type = 'boolean'
      if (input.kind === 'integer') expected.type = 'number'
      if (!input.required) {
        expected.default =
          input.kind === 'boolean'
            ? input.default === 'true'
            : input.kind === 'integer'
              ? Number(input.default)
              : input.default
      }
      // The component always reports its outputs as a dotenv artifact, so it needs a file.
      if (input.name === 'outputs-file') {
        expected.default = 's3-cloudfront-deploy.env'
        expected.description = expect.stringContaining('artifacts:reports:dotenv')
      }
      expect([input.name, declared]).toEqual([input.name, expected])
    }
  })

  test('the job passes each input: text as an INPUT_ variable, booleans and numbers as flags', () => {
    const job = body['$[[ inputs.job-name ]]']
    expect(job.stage).toBe('$[[ inputs.stage ]]')
    expect(job.image).toBe('$[[ inputs.image ]]')
    expect(job.variables).toEqual({
      ...Object.fromEntries(
        INPUT_SPECS.filter(i => !typed(i)).map(i => [variable(i), `$[[ inputs.${i.name} ]]`])
      ),
      npm_config_update_notifier: 'false'
    })
    const flags = INPUT_SPECS.filter(typed).map(i => ` --${i.name}=$[[ inputs.${i.name} ]]`)
    expect(job.script).toEqual([`npx --yes s3-cloudfront-deploy@${pkg.version}${flags.join('')}`])
  })

  test('it runs the npm package of its own version, and reports the outputs as dotenv', () => {
    const job = body['$[[ inputs.job-name ]]']
    expect(job.script[0]).toMatch(new RegExp(`^npx --yes ${pkg.name}@${pkg.version} `))
    expect(job.artifacts).toEqual({
      when: 'always',
      reports: { dotenv: '$[[ inputs.outputs-file ]]' }
    })
  })
})
