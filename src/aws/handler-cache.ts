/**
 * The SDK's `cacheMiddleware` keeps each command type's resolved middleware, but only for sends
 * without options: a send with `{ abortSignal }` resolves the whole stack again (the largest
 * part of a small PutObject's CPU) and empties the cache. A deploy sends nearly every request
 * with one signal (its own, or its lease's), so the resolved handler is kept per signal and
 * command type, exactly as the SDK keeps it per command type.
 */

interface Resolvable {
  resolveMiddleware(stack: unknown, config: unknown, options: unknown): Handler
}
type Handler = (command: unknown) => Promise<{ output: unknown }>

interface CachingClient {
  middlewareStack: unknown
  config: { cacheMiddleware?: boolean }
  send(command: never, options?: never): Promise<unknown>
}

export function cacheHandlersPerSignal<C extends CachingClient>(client: C): C {
  if (client.config.cacheMiddleware !== true) return client
  const bySignal = new WeakMap<AbortSignal, WeakMap<object, Handler>>()
  const send = client.send.bind(client) as (command: unknown, options?: unknown) => Promise<unknown>
  const cached = (command: unknown, options?: unknown) => {
    const signal = onlySignal(options)
    if (!signal) return send(command, options)
    let handlers = bySignal.get(signal)
    if (!handlers) bySignal.set(signal, (handlers = new WeakMap()))
    const type = (command as object).constructor
    let handler = handlers.get(type)
    if (!handler) {
      handler = (command as Resolvable).resolveMiddleware(client.middlewareStack, client.config, {
        abortSignal: signal
      })
      handlers.set(type, handler)
    }
    return handler(command).then(result => result.output)
  }
  client.send = cached as C['send']
  return client
}

/** The signal, when the options hold it and nothing else (no callback, no other option). */
function onlySignal(options: unknown): AbortSignal | undefined {
  if (typeof options !== 'object' || options === null) return undefined
  const keys = Object.keys(options)
  if (keys.length !== 1 || keys[0] !== 'abortSignal') return undefined
  const signal = (options as { abortSignal?: unknown }).abortSignal
  return signal instanceof AbortSignal ? signal : undefined
}
