/**
 * The KeyValueStore client as dist/index.js carries it: the pure-JS SigV4A signer bundled once,
 * registered where the client's signer looks, and no native CRT needed. The proof is a release
 * deploy run by dist/index.js alone in an empty folder, with no node_modules to fall back on.
 */
import { copyFile, mkdtemp, readFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { motoSuite } from '../helpers/moto'
import { DIST, runNode } from '../helpers/action'
import { startLocalKvs } from '../helpers/local-kvs'
import { makeSite } from '../helpers/site'

const moto = motoSuite('kvs-bundle')

test('one SigV4A signer in dist/index.js, and a release deploy signs with it from a folder with nothing else', async () => {
  const code = await readFile(DIST, 'utf8')
  const count = (needle: string) => code.split(needle).length - 1
  // Strings of @smithy/signature-v4a's own P-256 code, and the container @smithy/signature-v4 keeps.
  expect(count('verify expects Uint8Array signature')).toBe(1)
  expect(count('SignatureV4a:null')).toBe(1)

  const alone = await mkdtemp(path.join(os.tmpdir(), 'dist-alone-'))
  await copyFile(DIST, path.join(alone, 'index.js'))
  const kvs = await startLocalKvs()
  try {
    const bucket = await moto.newBucket()
    const site = await makeSite({ 'index.html': '<h1>alone</h1>' })
    const args = [path.join(alone, 'index.js')]
    for (const [name, value] of Object.entries({
      source: site,
      bucket,
      releases: 'true',
      'key-value-store': kvs.arn
    })) {
      args.push(`--${name}`, value)
    }
    const run = await runNode(
      args,
      { endpoint: moto.endpoint, cwd: alone },
      { AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE: kvs.url, NODE_PATH: '' }
    )
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(kvs.data.get('/')).toMatch(/^\d{8}T\d{6}Z$/)
    expect(kvs.requests.length).toBeGreaterThan(0)
    expect(kvs.requests.every(r => r.algorithm === 'AWS4-ECDSA-P256-SHA256')).toBe(true)
  } finally {
    await kvs.close()
  }
}, 120_000)
