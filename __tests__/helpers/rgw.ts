import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { awsEnv } from './aws'
import { freePort, stopProcess } from './moto'

/**
 * A real S3-compatible store: Ceph's RADOS Gateway (Debian's ceph-mon, ceph-osd and radosgw), with
 * one monitor and one in-memory OSD, all on 127.0.0.1 and in the foreground, so the test stops
 * each by its PID. Without cephx; the gateway then needs `ms mon client mode = crc`. Its S3 user
 * has the same keys as moto's tests (awsEnv), so the helpers that run the action work unchanged.
 */
export interface Rgw {
  endpoint: string
  /** Another S3 user (another account, as far as S3 tells), with these keys. */
  addUser(accessKeyId: string, secretAccessKey: string): void
  stop(): Promise<void>
}

const INSTALL_HINT =
  'Ceph RGW was not found (ceph-mon, ceph-osd, radosgw). The end-to-end tests need it: apt-get install ceph-mon ceph-osd radosgw (npm test installs them when run as root with apt-get).'

export async function startRgw(): Promise<Rgw> {
  for (const tool of ['ceph-mon', 'ceph-osd', 'radosgw', 'monmaptool', 'radosgw-admin', 'ceph']) {
    if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).error) throw new Error(INSTALL_HINT)
  }
  // A daemon may lose a race for a port with another program starting at the same time: a
  // second attempt, on new ports, before giving up with what its logs said.
  try {
    return await startOnce()
  } catch {
    return await startOnce()
  }
}

async function startOnce(): Promise<Rgw> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rgw-'))
  const children: ChildProcess[] = []
  const stop = async () => {
    for (const child of children.reverse()) await stopProcess(child)
    await rm(dir, { recursive: true, force: true })
  }
  try {
    const [monPort, rgwPort] = [await freePort(), await freePort()]
    const fsid = randomUUID()
    const conf = path.join(dir, 'ceph.conf')
    await writeFile(conf, cephConf(dir, fsid, monPort))
    for (const sub of ['mon', 'osd/ceph-0', 'run', 'log']) {
      await mkdir(path.join(dir, sub), { recursive: true })
    }
    const ceph = (tool: string, ...args: string[]) => {
      const out = spawnSync(tool, ['-c', conf, ...args], { encoding: 'utf8', timeout: 60_000 })
      if (out.status !== 0) throw new Error(`${tool} ${args.join(' ')}: ${out.stderr}`)
      return out.stdout
    }
    const daemon = (tool: string, ...args: string[]) => {
      const child = spawn(tool, ['-f', '-c', conf, ...args], { stdio: 'ignore' })
      children.push(child)
      return child
    }
    const monmap = path.join(dir, 'monmap')
    const made = spawnSync('monmaptool', [
      '--create',
      '--add',
      'a',
      `v1:127.0.0.1:${monPort}`,
      '--fsid',
      fsid,
      monmap
    ])
    if (made.status !== 0) throw new Error(`monmaptool: ${made.stderr}`)
    ceph('ceph-mon', '--mkfs', '-i', 'a', '--monmap', monmap)
    daemon('ceph-mon', '-i', 'a')
    ceph('ceph', '--connect-timeout', '30', 'osd', 'create')
    ceph('ceph-osd', '-i', '0', '--mkfs')
    daemon('ceph-osd', '-i', '0')
    daemon('radosgw', '-n', 'client.rgw', '--rgw-frontends', `beast endpoint=127.0.0.1:${rgwPort}`)
    const endpoint = `http://127.0.0.1:${rgwPort}`
    await waitForGateway(endpoint, children, path.join(dir, 'log'))
    const addUser = (accessKeyId: string, secretAccessKey: string) => {
      ceph(
        'radosgw-admin',
        'user',
        'create',
        `--uid=${accessKeyId}`,
        `--display-name=${accessKeyId}`,
        `--access-key=${accessKeyId}`,
        `--secret=${secretAccessKey}`
      )
    }
    const keys = awsEnv(endpoint)
    addUser(keys.AWS_ACCESS_KEY_ID as string, keys.AWS_SECRET_ACCESS_KEY as string)
    return { endpoint, addUser, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

async function waitForGateway(
  endpoint: string,
  children: ChildProcess[],
  logs: string
): Promise<void> {
  // Bounded: 60 s in steps of 250 ms. The gateway answers once it has created its pools.
  for (let i = 0; i < 240; i++) {
    const dead = children.find(c => c.exitCode !== null)
    if (dead) {
      const log = await readdir(logs)
        .then(names => Promise.all(names.map(n => readFile(path.join(logs, n), 'utf8'))))
        .then(texts => texts.join('\n').split('\n').slice(-40).join('\n'))
        .catch(() => '')
      throw new Error(`${dead.spawnfile} exited with ${dead.exitCode} while starting:\n${log}`)
    }
    try {
      const res = await fetch(endpoint, { signal: AbortSignal.timeout(1000) })
      if (res.status < 500) return
    } catch {
      // not up yet
    }
    await new Promise(r => setTimeout(r, 250))
  }
  throw new Error('Ceph RGW did not answer within 60 s')
}

function cephConf(dir: string, fsid: string, monPort: number): string {
  return `[global]
fsid = ${fsid}
mon host = v1:127.0.0.1:${monPort}
public addr = 127.0.0.1
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc
mon allow pool size one = true
osd pool default size = 1
osd pool default min size = 1
osd pool default pg autoscale mode = off
osd pool default pg num = 8
osd pool default pgp num = 8
osd crush chooseleaf type = 0
osd objectstore = memstore
memstore device bytes = 1073741824
keyring = /dev/null
run dir = ${dir}/run
log file = ${dir}/log/$name.log
admin socket = ${dir}/run/$name.asok
mon data = ${dir}/mon/$cluster-$id
osd data = ${dir}/osd/$cluster-$id
rgw data = ${dir}/rgw
`
}
