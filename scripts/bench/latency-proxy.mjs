// A TCP proxy that adds a fixed round trip (half each way) between a client and a server, as a
// real AWS region does from CI. Data keeps its order: every chunk is delayed by the same amount.
import { createServer, connect } from 'node:net'

/**
 * @param {{ targetPort: number, rttMs: number, host?: string }} options
 * @returns {Promise<{ port: number, close: () => Promise<void>, connections: () => number }>}
 */
export function startLatencyProxy({ targetPort, rttMs, host = '127.0.0.1' }) {
  const oneWay = rttMs / 2
  let opened = 0
  const sockets = new Set()
  const pipeDelayed = (from, to) => {
    from.on('data', chunk => {
      setTimeout(() => {
        if (!to.destroyed) to.write(chunk)
      }, oneWay)
    })
    from.on('end', () => setTimeout(() => to.end(), oneWay))
    from.on('error', () => to.destroy())
    from.on('close', () => setTimeout(() => to.destroy(), oneWay))
  }
  const server = createServer(client => {
    opened++
    const upstream = connect(targetPort, host)
    sockets.add(client)
    sockets.add(upstream)
    client.on('close', () => sockets.delete(client))
    upstream.on('close', () => sockets.delete(upstream))
    // The TCP handshake costs a round trip too.
    client.pause()
    setTimeout(() => client.resume(), rttMs)
    pipeDelayed(client, upstream)
    pipeDelayed(upstream, client)
  })
  return new Promise((resolve, reject) => {
    server.on('error', reject)
    server.listen(0, host, () => {
      resolve({
        port: server.address().port,
        connections: () => opened,
        close: () =>
          new Promise(done => {
            for (const s of sockets) s.destroy()
            server.close(() => done())
          })
      })
    })
  })
}
