import { execFile } from 'node:child_process'
import { mkdtemp, readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { cleanEnv } from './aws'

const exec = promisify(execFile)
import { ROOT } from './repo'

/**
 * npm's environment for a test: no npm_* settings inherited from the `npm test` that runs us, a
 * fresh cache (so npx never reuses a package from an earlier run), nothing that calls home.
 */
export async function npmEnv(extra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(cleanEnv())) if (!/^npm_/i.test(k)) env[k] = v
  return {
    ...env,
    npm_config_cache: await mkdtemp(path.join(os.tmpdir(), 'npm-cache-')),
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    ...extra
  }
}

export interface Packed {
  /** Absolute path of the .tgz. */
  tarball: string
  name: string
  version: string
  integrity: string
  shasum: string
  /** Paths inside the package, sorted. */
  files: string[]
}

/** `npm pack` of the working tree, as `npm publish` would upload it. */
export async function packProject(): Promise<Packed> {
  const dest = await mkdtemp(path.join(os.tmpdir(), 'npm-pack-'))
  const { stdout } = await exec('npm', ['pack', '--json', '--pack-destination', dest], {
    cwd: ROOT,
    env: await npmEnv()
  })
  const [info] = JSON.parse(stdout) as {
    filename: string
    name: string
    version: string
    integrity: string
    shasum: string
    files: { path: string }[]
  }[]
  if (!info) throw new Error(`npm pack printed no package: ${stdout}`)
  return {
    tarball: path.join(dest, info.filename),
    name: info.name,
    version: info.version,
    integrity: info.integrity,
    shasum: info.shasum,
    files: info.files.map(f => f.path).sort()
  }
}

export interface Registry {
  url: string
  /** Paths requested, in order. */
  requests: string[]
  close(): Promise<void>
}

/**
 * A registry on 127.0.0.1 that holds one package: the packed working tree, under its own name and
 * version. `npx name@version` against it installs what `npm publish` of this tree would publish.
 */
export async function startRegistry(packed: Packed): Promise<Registry> {
  const tarball = await readFile(packed.tarball)
  const manifest = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'))
  const requests: string[] = []
  const server = createServer((req, res) => {
    const url = decodeURIComponent(req.url ?? '')
    requests.push(url)
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const tgzPath = `/${packed.name}/-/${path.basename(packed.tarball)}`
    if (url === `/${packed.name}`) {
      const version = {
        ...manifest,
        _id: `${packed.name}@${packed.version}`,
        dist: { tarball: base + tgzPath, integrity: packed.integrity, shasum: packed.shasum }
      }
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({
          name: packed.name,
          'dist-tags': { latest: packed.version },
          versions: { [packed.version]: version }
        })
      )
    } else if (url === tgzPath) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' })
      res.end(tarball)
    } else {
      res.writeHead(404, { 'content-type': 'application/json' })
      res.end('{"error":"not found"}')
    }
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    requests,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
