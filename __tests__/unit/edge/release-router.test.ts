import { readFileSync } from 'node:fs'
import { parse } from 'acorn'
import {
  cloudfrontModule,
  loadFunction,
  MAX_FUNCTION_BYTES,
  RELEASE_ROUTER,
  runtimeViolations,
  viewerRequest,
  type FunctionResult
} from '../../helpers/cloudfront-function'
import {
  MAX_SITE_DEPTH,
  RELEASE_ID,
  releaseId,
  releaseKey,
  releasePrefix
} from '../../../src/plan/release-route'

/** The function over a KVS holding `store`, with the keys it reads recorded. */
function router(store: Record<string, string>) {
  const reads: string[] = []
  const handler = loadFunction(cloudfrontModule(key => store[key], reads))
  const uriOf = async (uri: string) => {
    const out = await handler(viewerRequest(uri))
    return 'uri' in out ? out.uri : `${out.statusCode}`
  }
  return { handler, reads, uriOf }
}

describe('the live release', () => {
  test('a site at the root: every request goes to its release, folders to their index.html', async () => {
    const { uriOf } = router({ '/': '20261204T153012Z-5a6717a' })
    const r = '/_releases/20261204T153012Z-5a6717a'
    expect(await uriOf('/')).toBe(`${r}/index.html`)
    expect(await uriOf('/index.html')).toBe(`${r}/index.html`)
    expect(await uriOf('/about/')).toBe(`${r}/about/index.html`)
    expect(await uriOf('/about')).toBe(`${r}/about/index.html`)
    expect(await uriOf('/css/site.css')).toBe(`${r}/css/site.css`)
    expect(await uriOf('/docs/v1.2')).toBe(`${r}/docs/v1.2`)
    expect(await uriOf('/my%20docs/caf%C3%A9/')).toBe(`${r}/my%20docs/caf%C3%A9/index.html`)
  })

  test('the query string, headers and method are left as they came', async () => {
    const { handler } = router({ '/': 'R1' })
    const event = viewerRequest('/search', {
      method: 'HEAD',
      querystring: 'q=a%20b&page=2',
      headers: { Accept: 'text/html' }
    })
    const before = structuredClone(event.request)
    const out = (await handler(event)) as typeof event.request
    expect(out).toEqual({ ...before, uri: '/_releases/R1/search/index.html' })
  })

  test('sites under prefixes: the deepest site with a key wins, and a name is matched whole', async () => {
    const { uriOf } = router({ '/': 'ROOT', '/pr-7/': 'P7', '/review/my-branch/': 'B1' })
    expect(await uriOf('/pr-7/')).toBe('/pr-7/_releases/P7/index.html')
    expect(await uriOf('/pr-7')).toBe('/pr-7/_releases/P7/index.html')
    expect(await uriOf('/pr-7/a/b/app.js')).toBe('/pr-7/_releases/P7/a/b/app.js')
    expect(await uriOf('/pr-70/app.js')).toBe('/_releases/ROOT/pr-70/app.js')
    expect(await uriOf('/review/my-branch/x/y/z.html')).toBe(
      '/review/my-branch/_releases/B1/x/y/z.html'
    )
    expect(await uriOf('/review/other/')).toBe('/_releases/ROOT/review/other/index.html')
  })

  test('reads the KVS from the deepest possible site to the root, at most depth + 1 keys', async () => {
    const { uriOf, reads } = router({ '/': 'R1' })
    await uriOf('/a/b/c/d/e.html')
    expect(reads).toEqual(['/a/b/', '/a/', '/'])
    reads.length = 0
    await uriOf('/favicon.ico')
    expect(reads).toEqual(['/'])
    reads.length = 0
    const deep = router({ '/a/b/': 'R2', '/': 'R1' })
    expect(await deep.uriOf('/a/b/c/')).toBe('/a/b/_releases/R2/c/index.html')
    expect(deep.reads).toEqual(['/a/b/'])
  })
})

describe('no live release', () => {
  test('a site without a key is served as it is: the request is not touched', async () => {
    const { handler, reads } = router({ '/other/': 'R9' })
    for (const uri of ['/', '/about/', '/about', '/css/site.css']) {
      const event = viewerRequest(uri)
      const before = structuredClone(event.request)
      expect(await handler(event)).toEqual(before)
    }
    expect(reads.length).toBeLessThanOrEqual(4 * (MAX_SITE_DEPTH + 1))
  })

  test('a value that is no release id is never pasted into the path', async () => {
    for (const value of ['', '../secret', 'a/b', '%2e%2e', ' R1']) {
      const { uriOf } = router({ '/': value })
      expect(await uriOf('/about/')).toBe('/about/')
    }
  })
})

describe("the action's own objects are never served", () => {
  test.each([
    '/.s3-cloudfront-deploy.json',
    '/.s3-cloudfront-deploy.lock',
    '/pr-7/.s3-cloudfront-deploy.json',
    '/%2Es3-cloudfront-deploy.json',
    '/pr-7/%2es3-cloudfront-deploy.lock',
    '/_releases/R1/index.html',
    '/pr-7/_releases/P7/app.js',
    '/%5Freleases/R1/',
    '/_releases'
  ])('%s answers 404 without reading the KVS', async uri => {
    const { handler, reads } = router({ '/': 'R1', '/pr-7/': 'P7' })
    const out: FunctionResult = await handler(viewerRequest(uri))
    expect(out).toEqual({ statusCode: 404, statusDescription: 'Not Found' })
    expect(reads).toEqual([])
  })

  test('names that only look alike are served', async () => {
    const { uriOf } = router({ '/': 'R1' })
    expect(await uriOf('/s3-cloudfront-deploy.json')).toBe(
      '/_releases/R1/s3-cloudfront-deploy.json'
    )
    expect(await uriOf('/releases/')).toBe('/_releases/R1/releases/index.html')
    // A malformed escape is no hidden name: S3 answers for it.
    expect(await uriOf('/%E0%A4%A.html')).toBe('/_releases/R1/%E0%A4%A.html')
  })
})

describe("CloudFront's limits", () => {
  const source = readFileSync(RELEASE_ROUTER, 'utf8')

  test('the code fits in 10 KB', () => {
    expect(Buffer.byteLength(source)).toBeLessThanOrEqual(MAX_FUNCTION_BYTES)
  })

  test('it uses only what runtime 2.0 documents', () => {
    expect(runtimeViolations(source)).toEqual([])
  })

  test('the check finds what runtime 2.0 lacks', () => {
    const bad = [
      "import fs from 'fs'",
      'const { a } = b',
      'f(...xs)',
      'x = a?.b ?? c',
      'for (const v of xs) {}',
      'class A {}',
      'const o = { a }',
      'setTimeout(f, 1)',
      'eval("1")',
      'async function outer() { const g = async () => 1 }',
      'function* gen() {}',
      'const re = /a/u',
      'function f(a = 1) {}',
      "''.toUTF8()"
    ].join('\n')
    const found = runtimeViolations(bad).join('\n')
    for (const what of [
      "only the 'cloudfront' module",
      'ObjectPattern',
      'SpreadElement',
      'optional chaining',
      '??',
      'ForOfStatement',
      'ClassDeclaration',
      'shorthand',
      'setTimeout',
      'eval',
      'async function that is not a top-level declaration',
      'generator',
      'regular expression flags',
      'AssignmentPattern',
      'toUTF8'
    ]) {
      expect(found).toContain(what)
    }
  })
})

describe('the deploy and the function agree', () => {
  const source = readFileSync(RELEASE_ROUTER, 'utf8')
  const constant = (name: string): string => {
    const program = parse(source, { ecmaVersion: 2022, sourceType: 'module' })
    for (const node of program.body) {
      if (node.type !== 'VariableDeclaration') continue
      for (const d of node.declarations) {
        if (d.id.type === 'Identifier' && d.id.name === name && d.init?.type === 'Literal') {
          return String(d.init.raw)
        }
      }
    }
    throw new Error(`${name} not found in ${RELEASE_ROUTER}`)
  }

  test('on the release id pattern and the depth of a site', () => {
    expect(constant('RELEASE_ID')).toBe(String(RELEASE_ID))
    expect(constant('MAX_SITE_DEPTH')).toBe(String(MAX_SITE_DEPTH))
  })

  test('the key and the folder the deploy writes are what the function serves', async () => {
    const cases = [
      { prefix: '', originPrefix: '', url: '/' },
      { prefix: 'pr-7/', originPrefix: '', url: '/pr-7/' },
      { prefix: 'site/pr-7/', originPrefix: 'site/', url: '/pr-7/' },
      { prefix: 'review/my branch/', originPrefix: '', url: '/review/my%20branch/' }
    ]
    for (const { prefix, originPrefix, url } of cases) {
      const id = releaseId(new Date('2026-12-04T15:30:12.345Z'), '5a6717a1b2c3')
      const key = releaseKey(prefix, originPrefix)
      expect(key).toBe(url)
      const { uriOf } = router({ [key]: id })
      // CloudFront puts the origin path back in front of the URI: the bucket key it asks for.
      const bucketKey = `${originPrefix}${(await uriOf(`${url}about.html`)).slice(1)}`
      expect(decodeURIComponent(bucketKey)).toBe(`${releasePrefix(prefix, id)}about.html`)
    }
  })

  test('release ids: short, sortable by time, with the commit when there is one', () => {
    const at = (iso: string) => new Date(iso)
    expect(releaseId(at('2026-12-04T15:30:12.345Z'), '5a6717a1b2c3')).toBe(
      '20261204T153012Z-5a6717a'
    )
    expect(releaseId(at('2026-12-04T15:30:12Z'))).toBe('20261204T153012Z')
    const ids = ['2026-01-02T00:00:00Z', '2026-01-10T00:00:00Z', '2027-01-01T00:00:00Z'].map(t =>
      releaseId(at(t), 'ffffff')
    )
    expect([...ids].sort()).toEqual(ids)
    for (const id of ids) expect(id).toMatch(RELEASE_ID)
  })

  test('a prefix the function cannot route is refused, naming the input', () => {
    expect(() => releaseKey('a/b/c/', '')).toThrow(/Input 'prefix' \('a\/b\/c\/'\) is 3 folders/)
    expect(() => releaseKey('other/', 'site/')).toThrow(/outside the distribution's origin path/)
    expect(() => releaseKey('x/_releases/', '')).toThrow(/contains '_releases'/)
    expect(releaseKey('site/a/b/', 'site/')).toBe('/a/b/')
  })
})
