/** Cancellation reaches every wait: the deploy's clock (steps/context.ts). */
import { cancellableClock } from '../../../src/steps/context'
import { CancelledError } from '../../../src/steps/lock/errors'

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
