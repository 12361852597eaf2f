#!/usr/bin/env node
// The floor of a first deploy: the least any client must do to put a folder into a bucket. It
// PUTs every file, `concurrency` in flight, over a keep-alive pool as large (moto closes each
// connection anyway), with no signing, no hashing, no listing and no retries. moto accepts
// unsigned requests; S3 would not.
//
//   node floor-client.mjs <endpoint> <bucket> <folder> [concurrency=32]
// Prints `uploaded=<count>`; exits 1 on the first failed PUT.
import { Agent, request } from 'node:http'
import { readdir, readFile } from 'node:fs/promises'
import * as path from 'node:path'

const [endpoint, bucket, folder, concurrency = '32'] = process.argv.slice(2)
if (!endpoint || !bucket || !folder) {
  console.error('usage: floor-client.mjs <endpoint> <bucket> <folder> [concurrency]')
  process.exit(2)
}
const inFlight = Number(concurrency)
const agent = new Agent({ keepAlive: true, maxSockets: inFlight })
const { hostname, port } = new URL(endpoint)

const files = (await readdir(folder, { recursive: true, withFileTypes: true }))
  .filter(e => e.isFile())
  .map(e => path.join(e.parentPath ?? e.path, e.name))

let next = 0
const worker = async () => {
  while (next < files.length) {
    const file = files[next++]
    const key = path.relative(folder, file).split(path.sep).map(encodeURIComponent).join('/')
    await put(`/${bucket}/${key}`, await readFile(file))
  }
}
await Promise.all(Array.from({ length: Math.min(inFlight, files.length) }, worker))
agent.destroy()
console.log(`uploaded=${files.length}`)

function put(urlPath, body) {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        hostname,
        port,
        method: 'PUT',
        path: urlPath,
        // A type moto stores as is (a form type would be parsed as a form, and the body lost).
        headers: { 'content-type': 'application/octet-stream', 'content-length': body.length }
      },
      res => {
        res.resume()
        res.on('end', () =>
          res.statusCode === 200
            ? resolve()
            : reject(new Error(`PUT ${urlPath}: HTTP ${res.statusCode}`))
        )
      }
    )
    req.on('error', reject)
    req.end(body)
  })
}
