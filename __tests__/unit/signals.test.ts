/** Cancellation reaches every wait (steps/context.ts) and every write (util/signals.ts). */
import { cancellableClock } from '../../src/steps/context'
import { CancelledError } from '../../src/steps/lock/errors'
import { anySignal } from '../../src/util/signals'

test('a sleep of the cancellable clock ends at once, with CancelledError, when the job is cancelled', async () => {
  const cancel = new AbortController()
  const clock = cancellableClock(cancel.signal)
  const started = Date.now()
  const sleeping = clock.sleep(60_000)
  setTimeout(() => cancel.abort(), 20)
  await expect(sleeping).rejects.toBeInstanceOf(CancelledError)
  expect(Date.now() - started).toBeLessThan(5000)
  // Already cancelled: no sleep at all.
  await expect(clock.sleep(10)).rejects.toBeInstanceOf(CancelledError)
  // Not cancelled: it sleeps.
  await expect(cancellableClock(new AbortController().signal).sleep(5)).resolves.toBeUndefined()
})

test('anySignal: aborted with the reason of the first of its signals to abort', () => {
  const a = new AbortController()
  const b = new AbortController()
  const both = anySignal([a.signal, undefined, b.signal])
  expect(both.aborted).toBe(false)
  b.abort(new Error('lease lost'))
  expect(both.aborted).toBe(true)
  expect((both.reason as Error).message).toBe('lease lost')
  const done = new AbortController()
  done.abort('early')
  expect(anySignal([done.signal, a.signal]).reason).toBe('early')
  expect(anySignal([a.signal])).toBe(a.signal)
})
