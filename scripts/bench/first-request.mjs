// How long a deploy takes to send its first request: a local HTTP server stands in for the
// endpoint and notes when the first request arrives, counted from the spawn. The child is then
// killed (by PID): what follows is not measured here.
import { spawn } from 'node:child_process'
import { createServer } from 'node:http'

/**
 * Spawns `cmd args` with `endpointVar` pointing at a local recorder; resolves with the ms from
 * the spawn to the first request's headers.
 */
export async function timeToFirstRequest(
  cmd,
  args,
  env,
  { endpointVar = 'AWS_ENDPOINT_URL' } = {}
) {
  let arrived
  const first = new Promise(resolve => (arrived = resolve))
  const server = createServer((req, res) => {
    arrived({ at: performance.now(), what: `${req.method} ${req.url}` })
    res.writeHead(503, { connection: 'close' }).end()
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
  const endpoint = `http://127.0.0.1:${server.address().port}`
  const t0 = performance.now()
  const child = spawn(cmd, args, { env: { ...env, [endpointVar]: endpoint }, stdio: 'ignore' })
  const exited = new Promise(resolve => child.once('exit', resolve))
  const timer = setTimeout(() => arrived(undefined), 60_000)
  // A child that exits without a request (a bad command) must not leave the bench waiting.
  exited.then(() => setTimeout(() => arrived(undefined), 1000).unref())
  try {
    const got = await first
    if (!got) throw new Error(`${cmd} ${args.join(' ')} sent no request`)
    return { ms: got.at - t0, request: got.what }
  } finally {
    clearTimeout(timer)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
    server.closeAllConnections()
    await new Promise(resolve => server.close(resolve))
  }
}
