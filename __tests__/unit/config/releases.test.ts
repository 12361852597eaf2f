import { parseConfig } from '../../../src/config/config'
import { InputError } from '../../../src/config/input-error'
import type { RawInputs } from '../../../src/config/read'

const ARN = 'arn:aws:cloudfront::123456789012:key-value-store/9b5a1c3e-2f4d-4e6a-8b7c-0d1e2f3a4b5c'
const parse = (raw: RawInputs) => parseConfig({ bucket: 'my-bucket', ...raw }, {}, '/work')

test('off by default: no release mode, and a deploy is what it always was', () => {
  expect(parse({}).release).toBeUndefined()
})

test('releases: true with its store, keep-releases 5 by default; rollback by name or previous', () => {
  expect(parse({ releases: 'true', 'key-value-store': ARN }).release).toEqual({
    store: ARN,
    keep: 5,
    rollback: undefined
  })
  expect(parse({ rollback: 'previous', 'key-value-store': ARN }).release?.rollback).toBe('previous')
  expect(
    parse({ rollback: '20261204T153012Z-5a6717a', 'key-value-store': ARN }).release?.rollback
  ).toBe('20261204T153012Z-5a6717a')
})

test.each([
  [{ releases: 'true' }, "Input 'key-value-store' is required with releases: true"],
  [{ rollback: 'previous' }, "Input 'key-value-store' is required with rollback"],
  [
    { releases: 'true', 'key-value-store': 'my-store' },
    "Input 'key-value-store' must be the ARN of a CloudFront KeyValueStore"
  ],
  [
    { rollback: '../x', 'key-value-store': ARN },
    "Input 'rollback' must be 'previous' or a release id"
  ],
  [{ 'key-value-store': ARN }, "Input 'key-value-store' is set but 'releases' is not"],
  [{ 'keep-releases': '3' }, "Input 'keep-releases' is set but 'releases' is not"],
  [
    { releases: 'true', 'key-value-store': ARN, 'keep-releases': '1' },
    "Input 'keep-releases' must be a whole number from 2 to 100"
  ],
  [
    { releases: 'true', 'key-value-store': ARN, delete: 'true' },
    "Input 'delete' does not apply with releases: true"
  ],
  [
    { releases: 'true', 'key-value-store': ARN, paths: '/*' },
    "Input 'paths' does not apply with releases: true: a switch needs no invalidation"
  ],
  [{ releases: 'maybe', 'key-value-store': ARN }, "Input 'releases' must be true or false"]
])('refuses %j, naming the input', (raw, message) => {
  expect(() => parse(raw as RawInputs)).toThrow(InputError)
  expect(() => parse(raw as RawInputs)).toThrow(message)
})
