/** One signal for every write: the lease's and the job's (util/signals.ts). */
import { anySignal } from '../../../src/util/signals'

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
