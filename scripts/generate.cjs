#!/usr/bin/env node
// npm run generate: the text that follows a source of truth, written from it, between
// `BEGIN GENERATED <name>` and `END GENERATED <name>` comments:
// - from the table in src/config/inputs.ts: action.yml's inputs and outputs, the GitLab
//   component's inputs and job (templates/deploy.yml), and the README's inputs and outputs tables;
// - from the files under examples/: the example pipelines the README and docs/ show.
// Everything else in those files is written by hand. Each file is then formatted with prettier,
// as `npm run format` would. `--check` writes nothing and fails naming what differs; the
// contract tests (__tests__/contract/generated.test.ts) run the same comparison.
'use strict'
const { existsSync, readFileSync, readdirSync, writeFileSync } = require('node:fs')
const path = require('node:path')

const ROOT = path.resolve(__dirname, '..')

/** The files that hold generated regions: the two YAML contracts, the README and docs/. */
function targets(root) {
  const dir = path.join(root, 'docs')
  const docs = (existsSync(dir) ? readdirSync(dir) : [])
    .filter(f => f.endsWith('.md'))
    .sort()
    .map(f => `docs/${f}`)
  return ['action.yml', 'templates/deploy.yml', 'README.md', ...docs]
}

/** The component always reports its outputs as a dotenv artifact, so it always writes a file. */
const COMPONENT_OUTPUTS_FILE = {
  default: 's3-cloudfront-deploy.env',
  description:
    'Dotenv file the outputs are written to, and reported as artifacts:reports:dotenv so later jobs get them as variables.'
}

/** GitLab inserts booleans and numbers typed: those go to the job as flags, the rest as variables. */
const typed = spec => spec.kind === 'boolean' || spec.kind === 'integer'
const variable = spec => `INPUT_${spec.name.toUpperCase().replace(/-/g, '_')}`
/** A YAML scalar in double quotes (JSON's escapes are YAML's); prettier picks the quotes. */
const quoted = value => JSON.stringify(value)
const cell = text => text.replace(/\|/g, '\\|')

/** Renders one region's lines (without the markers), for the table and the repository. */
function region(name, { table, version, readExample }) {
  const { INPUT_SPECS, OUTPUTS, plainText } = table
  switch (name) {
    case 'action-inputs-outputs':
      return [
        'inputs:',
        ...INPUT_SPECS.flatMap(spec => [
          `  ${spec.name}:`,
          `    description: ${quoted(plainText(spec.description))}`,
          `    required: ${spec.required === true}`,
          ...(spec.required ? [] : [`    default: ${quoted(spec.default ?? '')}`])
        ]),
        '',
        'outputs:',
        ...OUTPUTS.flatMap(o => [
          `  ${o.name}:`,
          `    description: ${quoted(plainText(o.description))}`
        ])
      ]
    case 'component-inputs':
      return INPUT_SPECS.flatMap(spec => {
        const own = spec.name === 'outputs-file' ? COMPONENT_OUTPUTS_FILE : undefined
        const lines = [`${spec.name}:`]
        if (spec.kind === 'boolean') lines.push('  type: boolean')
        if (spec.kind === 'integer') lines.push('  type: number')
        if (own) lines.push(`  default: ${quoted(own.default)}`)
        else if (!spec.required) {
          lines.push(`  default: ${typed(spec) ? spec.default : quoted(spec.default ?? '')}`)
        }
        lines.push(`  description: ${quoted(own?.description ?? plainText(spec.description))}`)
        return lines
      })
    case 'component-variables':
      return INPUT_SPECS.filter(s => !typed(s)).map(s => `${variable(s)}: $[[ inputs.${s.name} ]]`)
    case 'component-script':
      return [
        '- >-',
        `  npx --yes s3-cloudfront-deploy@${version}`,
        ...INPUT_SPECS.filter(typed).map(s => `  --${s.name}=$[[ inputs.${s.name} ]]`)
      ]
    case 'inputs-table':
      return markdownTable(
        ['Input', 'Default', 'Description'],
        INPUT_SPECS.map(spec => [
          `\`${spec.name}\``,
          spec.required
            ? '(required)'
            : spec.default
              ? `\`${spec.default}\``
              : (spec.unset ?? 'none'),
          spec.description
        ])
      )
    case 'outputs-table':
      return markdownTable(
        ['Output', 'Description'],
        OUTPUTS.map(o => [`\`${o.name}\``, o.description])
      )
    default: {
      const example = /^example:(examples\/\S+)$/.exec(name)
      if (!example) throw new Error(`unknown generated region '${name}'`)
      const text = readExample(example[1])
      const lang = { sh: 'sh', json: 'json' }[example[1].split('.').pop()] ?? 'yaml'
      return [
        '<!-- prettier-ignore-start -->',
        '```' + lang,
        ...text.trimEnd().split('\n'),
        '```',
        '<!-- prettier-ignore-end -->'
      ]
    }
  }
}

/** Compact rows (prettier would pad every cell to the widest), kept so by prettier-ignore. */
function markdownTable(head, rows) {
  return [
    '<!-- prettier-ignore-start -->',
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map(r => `| ${r.map(cell).join(' | ')} |`),
    '<!-- prettier-ignore-end -->'
  ]
}

const BEGIN = /^([ \t]*)(?:#|<!--) BEGIN GENERATED (\S+)/

/** `text` with every region's body rendered again. */
function fill(text, context, file) {
  const lines = text.split('\n')
  const out = []
  for (let i = 0; i < lines.length; i++) {
    out.push(lines[i])
    const begin = BEGIN.exec(lines[i])
    if (!begin) continue
    const [, indent, marked] = begin
    const name = marked.replace(/:$/, '')
    const end = lines.findIndex((l, j) => j > i && l.includes(`END GENERATED ${name}`))
    if (end === -1) throw new Error(`${file}: 'BEGIN GENERATED ${name}' has no END`)
    for (const line of region(name, context)) out.push(line === '' ? '' : indent + line)
    i = end - 1
  }
  return out.join('\n')
}

/**
 * Every target file as it is and as it should be. `table` is src/config/inputs.ts's exports
 * (INPUT_SPECS, OUTPUTS, plainText).
 */
async function generate(table, root = ROOT) {
  const prettier = require('prettier')
  const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version
  const readExample = rel => readFileSync(path.join(root, ...rel.split('/')), 'utf8')
  const options = await prettier.resolveConfig(path.join(root, 'package.json'))
  const results = []
  for (const file of targets(root)) {
    const filepath = path.join(root, ...file.split('/'))
    const current = readFileSync(filepath, 'utf8')
    const filled = fill(current, { table, version, readExample }, file)
    const next = await prettier.format(filled, { ...options, filepath })
    results.push({ file, current, next })
  }
  return results
}

/** src/config/inputs.ts, compiled on the fly by TypeScript (plain Node cannot load .ts). */
function loadTable(root = ROOT) {
  const ts = require('typescript')
  const previous = require.extensions['.ts']
  require.extensions['.ts'] = (module, filename) => {
    const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
      fileName: filename
    })
    module._compile(outputText, filename)
  }
  try {
    return require(path.join(root, 'src', 'config', 'inputs.ts'))
  } finally {
    if (previous) require.extensions['.ts'] = previous
    else delete require.extensions['.ts']
  }
}

module.exports = { generate, loadTable }

if (require.main === module) {
  const check = process.argv.includes('--check')
  generate(loadTable())
    .then(results => {
      const stale = results.filter(r => r.next !== r.current)
      for (const r of stale) {
        if (check) process.stderr.write(`${r.file} is not what npm run generate writes\n`)
        else {
          writeFileSync(path.join(ROOT, ...r.file.split('/')), r.next)
          process.stdout.write(`wrote ${r.file}\n`)
        }
      }
      if (check && stale.length > 0) process.exit(1)
    })
    .catch(err => {
      process.stderr.write(`${err.stack ?? err}\n`)
      process.exit(1)
    })
}
