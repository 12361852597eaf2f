import { existsSync, readFileSync } from 'node:fs'
import * as path from 'node:path'
import * as ts from 'typescript'

/**
 * `--help`, `--version` and input errors run only the light half of dist/index.js (src/index.ts
 * and what it imports); the AWS SDK is in the half compiled on demand (src/load-aws-half.ts). This
 * follows the light half's imports as the bundler does (type-only imports are erased) and checks
 * that no AWS SDK package, and so neither the KVS client nor its SigV4A signer, is among them.
 */
const SRC = path.resolve(__dirname, '../../src')

function resolveLocal(from: string, spec: string): string {
  const base = path.resolve(path.dirname(from), spec)
  for (const file of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    if (existsSync(file) && (file.endsWith('.ts') || file.endsWith('.json'))) return file
  }
  throw new Error(`cannot resolve ${spec} from ${from}`)
}

/** The modules a file loads at run time: relative ones resolved, packages by name. */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022)
  const specs: string[] = []
  for (const node of source.statements) {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause
      const named = clause?.namedBindings
      const onlyTypes =
        clause?.isTypeOnly ||
        (clause &&
          !clause.name &&
          named &&
          ts.isNamedImports(named) &&
          named.elements.every(e => e.isTypeOnly))
      if (!onlyTypes) specs.push((node.moduleSpecifier as ts.StringLiteral).text)
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && !node.isTypeOnly) {
      specs.push((node.moduleSpecifier as ts.StringLiteral).text)
    }
  }
  return specs.map(s => (s.startsWith('.') ? resolveLocal(file, s) : s))
}

function lightHalf(): Set<string> {
  const seen = new Set<string>()
  const queue = [path.join(SRC, 'index.ts')]
  for (let file = queue.pop(); file; file = queue.pop()) {
    if (seen.has(file)) continue
    seen.add(file)
    if (file.endsWith('.ts')) queue.push(...runtimeImports(file))
  }
  return seen
}

test('the light half loads no AWS SDK package and not the KVS client', () => {
  const loaded = [...lightHalf()]
  expect(loaded).toContain(path.join(SRC, 'main.ts'))
  expect(loaded).toContain(path.join(SRC, 'load-aws-half.ts'))
  expect(loaded.filter(m => m.startsWith('@aws-sdk/') || m.startsWith('@smithy/'))).toEqual([])
  expect(loaded).not.toContain(path.join(SRC, 'aws', 'kvs.ts'))
  expect(loaded).not.toContain(path.join(SRC, 'aws-half.ts'))
})

test('the check would see an SDK import: the AWS half has them', () => {
  const kvs = runtimeImports(path.join(SRC, 'aws', 'kvs.ts'))
  expect(kvs).toEqual(
    expect.arrayContaining([
      '@aws-sdk/client-cloudfront-keyvaluestore',
      '@aws-sdk/signature-v4a',
      path.join(SRC, 'aws', 'step-error.ts')
    ])
  )
})
