/**
 * S3's own clock, from the Date header of a response: lease times are compared on the server's
 * clock, so CI machines whose clocks disagree still agree on when a lease expired.
 */
export interface ServerTimed<T> {
  output: T
  /** ms since the epoch by S3's clock, or by ours when the response carried no Date. */
  serverNow: number
}

interface Stackable {
  middlewareStack: {
    add(middleware: unknown, options: { step: 'deserialize'; name: string }): void
  }
}

/** Sends `command` (with `send`) and reads the Date header of its response. */
export async function sendTimed<T>(
  command: Stackable,
  send: () => Promise<T>,
  now: () => number = Date.now
): Promise<ServerTimed<T>> {
  let date: string | undefined
  command.middlewareStack.add(
    (next: (args: unknown) => Promise<{ response: { headers?: Record<string, string> } }>) =>
      async (args: unknown) => {
        const result = await next(args)
        date = result.response?.headers?.date
        return result
      },
    { step: 'deserialize', name: 'readServerDate' }
  )
  const output = await send()
  const parsed = date ? Date.parse(date) : NaN
  return { output, serverNow: Number.isNaN(parsed) ? now() : parsed }
}

/** S3's time (ms) in the Date header of the response an SDK error came with, if any. */
export function serverTimeOf(err: unknown): number | undefined {
  const date = (err as { $response?: { headers?: Record<string, string | undefined> } })?.$response
    ?.headers?.date
  const parsed = date ? Date.parse(date) : NaN
  return Number.isNaN(parsed) ? undefined : parsed
}

/**
 * S3's clock for the whole deploy, from the Date header of every response (see the clients'
 * middleware): the latest one seen, plus the local time elapsed since it was first seen. The
 * header has a resolution of one second, so is this. Until a response was seen, undefined.
 */
export class ServerClock {
  private date = ''
  private serverMs = NaN
  private seenAt = 0

  constructor(private readonly localNow: () => number = Date.now) {}

  /** A response's Date header. Parsed only when it changes: at most once a second. */
  observe(date: string | undefined): void {
    if (!date || date === this.date) return
    const parsed = Date.parse(date)
    if (Number.isNaN(parsed)) return
    this.date = date
    this.serverMs = parsed
    this.seenAt = this.localNow()
  }

  now(): number | undefined {
    if (Number.isNaN(this.serverMs)) return undefined
    return this.serverMs + (this.localNow() - this.seenAt)
  }
}
