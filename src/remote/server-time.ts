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
