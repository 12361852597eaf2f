import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { builtinModules } from 'node:module'
import * as os from 'node:os'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { startLocalKvs, type LocalKvs } from '../helpers/local-kvs'
import { ROOT } from '../helpers/repo'

/**
 * The KVS client as the bundle will carry it once the deploy imports it: the AWS half (src/aws-half.ts)
 * built with src/aws/kvs.ts by ncc as scripts/bundle.mjs builds it, then run by plain Node. It must
 * carry the pure-JS SigV4A signer once, register it where the client's signer looks (one
 * @smithy/signature-v4, so one container), need no native CRT, and sign with SigV4A.
 */
const exec = promisify(execFile)
const TMP = path.join(ROOT, '.tmp', 'kvs-bundle')
let code = ''
/** The bundle alone in a folder outside the project: no node_modules to fall back on. */
let alone = ''
let assets: string[] = []
let kvs: LocalKvs

beforeAll(async () => {
  await mkdir(TMP, { recursive: true })
  const entry = path.join(TMP, 'entry.ts')
  await writeFile(
    entry,
    "export { runAwsHalf } from '../../src/aws-half'\nexport * as kvs from '../../src/aws/kvs'\n"
  )
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ncc = require('@vercel/ncc')
  const said = jest.spyOn(console, 'log').mockImplementation(() => undefined) // ncc's TS notice
  const out = await ncc(entry, { minify: true, license: 'licenses.txt', quiet: true, cache: false })
  said.mockRestore()
  code = out.code
  assets = Object.keys(out.assets)
  alone = await mkdtemp(path.join(os.tmpdir(), 'kvs-bundle-'))
  await writeFile(path.join(alone, 'index.js'), code)
}, 300_000)

afterAll(async () => {
  await rm(TMP, { recursive: true, force: true })
  if (alone) await rm(alone, { recursive: true, force: true })
})

beforeEach(async () => {
  kvs = await startLocalKvs()
})
afterEach(async () => {
  await kvs.close()
})

const count = (needle: string) => code.split(needle).length - 1

test('one SigV4A signer, registered in the one container the client reads, and no native CRT', () => {
  // Strings of @smithy/signature-v4a's own P-256 code, and the container @smithy/signature-v4 keeps.
  expect(count('verify expects Uint8Array signature')).toBe(1)
  expect(count('SignatureV4a:null')).toBe(1)
  // What the bundle leaves to require() at run time: Node's own modules only, so no aws-crt.
  const external = [...code.matchAll(/\.exports=require\("([^"]+)"\)/g)].map(m => m[1] as string)
  expect(external.length).toBeGreaterThan(0)
  expect(external.filter(m => !builtinModules.includes(m.replace(/^node:/, '')))).toEqual([])
  expect(assets.filter(a => a !== 'licenses.txt')).toEqual([])
})

test('the bundled client signs with SigV4A and switches a release on a local KVS', async () => {
  const script = `
    const { kvs } = require('./index.js')
    const client = kvs.createKvsClient({ region: 'us-east-1' })
    ;(async () => {
      const { etag } = await kvs.describeStore(client, process.env.ARN)
      await kvs.switchRelease(client, { arn: process.env.ARN, key: '/', release: 'R1', etag })
      console.log(await kvs.liveRelease(client, process.env.ARN, '/'))
    })().catch(err => { console.error(err); process.exit(1) })
  `
  const { stdout } = await exec(process.execPath, ['-e', script], {
    env: {
      PATH: process.env.PATH,
      ARN: kvs.arn,
      AWS_ACCESS_KEY_ID: 'testing-access-key',
      AWS_SECRET_ACCESS_KEY: 'testing-secret-key',
      AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE: kvs.url,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'
    },
    cwd: alone,
    timeout: 60_000
  })
  expect(stdout.trim()).toBe('R1')
  expect(kvs.requests.map(r => [r.operation, r.algorithm])).toEqual([
    ['DescribeKeyValueStore', 'AWS4-ECDSA-P256-SHA256'],
    ['PutKey', 'AWS4-ECDSA-P256-SHA256'],
    ['GetKey', 'AWS4-ECDSA-P256-SHA256']
  ])
})
