import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import * as vm from 'node:vm'
import { parse, type Node } from 'acorn'

/**
 * Runs a CloudFront Function (runtime cloudfront-js-2.0) in Node, the way CloudFront would: in a
 * context of its own, in strict mode, with `import cf from 'cloudfront'` bound to a stand-in of
 * the `cloudfront` module, and its top-level `handler` called with the event.
 */

export const RELEASE_ROUTER = path.resolve(__dirname, '../../edge/release-router.js')

/** The size limit of a function's code: 10 KB (Quotas on CloudFront Functions). */
export const MAX_FUNCTION_BYTES = 10 * 1024

/**
 * A viewer-request event as CloudFront Functions documents it (functions-event-structure.html):
 * header names in lower case, query string and cookies as `{ name: { value } }`.
 */
export interface ViewerRequestEvent {
  version: '1.0'
  context: {
    distributionDomainName: string
    distributionId: string
    eventType: 'viewer-request'
    requestId: string
  }
  viewer: { ip: string }
  request: {
    method: string
    uri: string
    querystring: Record<string, { value: string; multiValue?: { value: string }[] }>
    headers: Record<string, { value: string; multiValue?: { value: string }[] }>
    cookies: Record<string, { value: string; attributes?: string }>
  }
}

/** What a function returns: the (changed) request, or a response of its own. */
export type FunctionResult =
  | ViewerRequestEvent['request']
  | { statusCode: number; statusDescription?: string; headers?: Record<string, { value: string }> }

export function viewerRequest(
  uri: string,
  options: { method?: string; querystring?: string; headers?: Record<string, string> } = {}
): ViewerRequestEvent {
  const headers: ViewerRequestEvent['request']['headers'] = {}
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    headers[name.toLowerCase()] = { value }
  }
  const querystring: ViewerRequestEvent['request']['querystring'] = {}
  for (const [name, value] of new URLSearchParams(options.querystring ?? '')) {
    querystring[name] = { value }
  }
  return {
    version: '1.0',
    context: {
      distributionDomainName: 'd111111abcdef8.cloudfront.net',
      distributionId: 'EDFDVBD6EXAMPLE',
      eventType: 'viewer-request',
      requestId: `req-${Math.random().toString(36).slice(2)}`
    },
    viewer: { ip: '198.51.100.11' },
    request: { method: options.method ?? 'GET', uri, querystring, headers, cookies: {} }
  }
}

/**
 * The `cloudfront` module's KVS helpers as documented (functions-custom-methods.html): get()
 * resolves to the value (string by default, or parsed with `format: 'json'`) and rejects when
 * the key does not exist; exists() and meta(). `reads` records each key read.
 */
export function cloudfrontModule(lookup: (key: string) => string | undefined, reads?: string[]) {
  const store = {
    async get(key: string, options?: { format?: 'string' | 'json' | 'bytes' }) {
      reads?.push(key)
      const value = lookup(key)
      if (value === undefined) throw new Error(`Key ${key} does not exist in the key value store`)
      if (options?.format === 'json') return JSON.parse(value)
      if (options?.format === 'bytes') return Buffer.from(value)
      return value
    },
    async exists(key: string) {
      reads?.push(key)
      return lookup(key) !== undefined
    },
    async meta() {
      return { creationDateTime: '2026-01-01T00:00:00Z', lastUpdatedDateTime: '', keyCount: 0 }
    }
  }
  return { kvs: () => store }
}

export type Handler = (event: ViewerRequestEvent) => Promise<FunctionResult>

/** Compiles the function's source with `cloudfront` bound to `cloudfront`; returns its handler. */
export function loadFunction(cloudfront: unknown, file = RELEASE_ROUTER): Handler {
  const source = readFileSync(file, 'utf8')
  const program = parse(source, { ecmaVersion: 2022, sourceType: 'module', ranges: true })
  const imports = program.body.filter(n => n.type === 'ImportDeclaration')
  let code = source
  for (const node of imports.reverse()) {
    const local = node.specifiers[0]?.local.name
    if (node.source.value !== 'cloudfront' || node.specifiers.length !== 1 || !local) {
      throw new Error(`${file}: only \`import cf from 'cloudfront'\` can be imported`)
    }
    code = `${code.slice(0, node.start)}const ${local} = __cloudfront;${code.slice(node.end)}`
  }
  const context = vm.createContext({ __cloudfront: cloudfront })
  const handler = vm.runInContext(`'use strict';\n${code}\n;handler`, context, { filename: file })
  if (typeof handler !== 'function') throw new Error(`${file} defines no handler`)
  return handler as Handler
}

// What runtime 2.0 documents (functions-javascript-runtime-20.html): ES 5.1, plus const, let,
// async/await, template literals, arrow functions, rest parameters and `**`. Everything else
// (spread, destructuring, classes, optional chaining, `??`, for-of, generators, tagged
// templates, default parameters, shorthand or computed properties) is refused by the check.
const ALLOWED_NODES = new Set([
  'Program',
  'ImportDeclaration',
  'ImportDefaultSpecifier',
  'VariableDeclaration',
  'VariableDeclarator',
  'FunctionDeclaration',
  'FunctionExpression',
  'ArrowFunctionExpression',
  'RestElement',
  'BlockStatement',
  'ExpressionStatement',
  'EmptyStatement',
  'ReturnStatement',
  'IfStatement',
  'ForStatement',
  'ForInStatement',
  'WhileStatement',
  'DoWhileStatement',
  'BreakStatement',
  'ContinueStatement',
  'LabeledStatement',
  'SwitchStatement',
  'SwitchCase',
  'ThrowStatement',
  'TryStatement',
  'CatchClause',
  'Identifier',
  'Literal',
  'TemplateLiteral',
  'TemplateElement',
  'ThisExpression',
  'ArrayExpression',
  'ObjectExpression',
  'Property',
  'MemberExpression',
  'CallExpression',
  'NewExpression',
  'UnaryExpression',
  'UpdateExpression',
  'BinaryExpression',
  'LogicalExpression',
  'AssignmentExpression',
  'ConditionalExpression',
  'SequenceExpression',
  'AwaitExpression'
])

/** Globals the runtime lacks (no eval or Function, no timers, network, files or Node). */
const FORBIDDEN_NAMES = new Set([
  'eval',
  'Function',
  'setTimeout',
  'setInterval',
  'setImmediate',
  'clearTimeout',
  'clearInterval',
  'queueMicrotask',
  'fetch',
  'require',
  'module',
  'exports',
  'process',
  'globalThis',
  // String methods of runtime 1.0 that 2.0 removed (functions-javascript-runtime-features.html).
  'bytesFrom',
  'fromBytes',
  'fromUTF8',
  'toBytes',
  'toUTF8'
])

type AnyNode = Node & Record<string, unknown>

/**
 * What in `source` the cloudfront-js-2.0 runtime does not document, as far as the syntax tree
 * tells: one line per finding, empty when none. It cannot see what a value does at run time.
 */
export function runtimeViolations(source: string): string[] {
  const found: string[] = []
  let program: Node
  try {
    program = parse(source, { ecmaVersion: 2022, sourceType: 'module', locations: true })
  } catch (err) {
    return [`does not parse: ${(err as Error).message}`]
  }
  const at = (n: Node) => `line ${n.loc?.start.line ?? '?'}`
  const visit = (node: AnyNode, parent: AnyNode | undefined, inFunction: boolean) => {
    const type = node.type
    if (!ALLOWED_NODES.has(type)) found.push(`${at(node)}: ${type}`)
    if (
      type === 'ImportDeclaration' &&
      (node.source as { value: unknown }).value !== 'cloudfront'
    ) {
      found.push(`${at(node)}: only the 'cloudfront' module can be imported`)
    }
    if (type === 'LogicalExpression' && node.operator === '??') found.push(`${at(node)}: ??`)
    if (type === 'AssignmentExpression' && /^(&&|\|\||\?\?)=$/.test(String(node.operator))) {
      found.push(`${at(node)}: logical assignment ${String(node.operator)}`)
    }
    if ((type === 'MemberExpression' || type === 'CallExpression') && node.optional) {
      found.push(`${at(node)}: optional chaining`)
    }
    if (type === 'Property' && (node.shorthand || node.computed || node.method)) {
      found.push(`${at(node)}: shorthand, computed or method property`)
    }
    if (type === 'Property' && node.kind !== 'init') found.push(`${at(node)}: getter or setter`)
    if (
      type === 'Literal' &&
      'regex' in node &&
      !/^[gim]*$/.test(String((node.regex as { flags: string }).flags))
    ) {
      found.push(`${at(node)}: regular expression flags beyond g, i, m`)
    }
    if (type === 'Literal' && typeof node.value === 'bigint') found.push(`${at(node)}: BigInt`)
    if (type === 'RestElement' && !(parent && /Function/.test(parent.type))) {
      found.push(`${at(node)}: rest element outside a parameter list`)
    }
    if (/Function/.test(type) && node.generator) found.push(`${at(node)}: generator`)
    if (/Function/.test(type) && node.async && (type !== 'FunctionDeclaration' || inFunction)) {
      found.push(`${at(node)}: async function that is not a top-level declaration`)
    }
    if (type === 'Identifier' && FORBIDDEN_NAMES.has(String(node.name))) {
      found.push(`${at(node)}: ${String(node.name)}`)
    }
    const nested = inFunction || /Function/.test(type)
    for (const [key, value] of Object.entries(node)) {
      if (key === 'loc' || key === 'regex') continue
      for (const child of Array.isArray(value) ? value : [value]) {
        if (child && typeof child === 'object' && typeof (child as AnyNode).type === 'string') {
          visit(child as AnyNode, node, nested)
        }
      }
    }
  }
  visit(program as AnyNode, undefined, false)
  return found
}
