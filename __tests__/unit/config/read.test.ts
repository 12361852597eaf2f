import { readInputs } from '../../../src/config/read'
import { InputError } from '../../../src/config/input-error'

describe('readInputs', () => {
  test('flags, then INPUT_ with dashes (GitHub), then INPUT_ with underscores (GitLab)', () => {
    const env = {
      'INPUT_DISTRIBUTION-ID': 'EDASHED',
      INPUT_DISTRIBUTION_ID: 'EUNDERSCORED',
      INPUT_BUCKET: 'from-env',
      INPUT_DRY_RUN: 'true'
    }
    expect(readInputs([], env).inputs).toEqual({
      'distribution-id': 'EDASHED',
      bucket: 'from-env',
      'dry-run': 'true'
    })
    expect(readInputs(['--bucket', 'from-flag'], env).inputs.bucket).toBe('from-flag')
    expect(
      readInputs([], { INPUT_DISTRIBUTION_ID: 'EUNDERSCORED' }).inputs['distribution-id']
    ).toBe('EUNDERSCORED')
  })

  test('values are trimmed and empty values count as unset', () => {
    expect(readInputs([], { INPUT_BUCKET: '  b  ', INPUT_PREFIX: '   ' }).inputs).toEqual({
      bucket: 'b'
    })
    expect(readInputs(['--prefix', ''], { INPUT_PREFIX: 'env' }).inputs.prefix).toBe('env')
  })

  test('booleans work as --delete, --delete true, --delete=false and --no-delete', () => {
    expect(readInputs(['--delete'], {}).inputs.delete).toBe('true')
    expect(readInputs(['--delete', 'false', '--bucket', 'b'], {}).inputs).toEqual({
      delete: 'false',
      bucket: 'b'
    })
    expect(readInputs(['--delete=false'], {}).inputs.delete).toBe('false')
    expect(readInputs(['--no-delete'], {}).inputs.delete).toBe('false')
    expect(readInputs(['--wait', '--bucket', 'b'], {}).inputs).toEqual({
      wait: 'true',
      bucket: 'b'
    })
    // The word after a boolean flag is its value, validated later like any input.
    expect(readInputs(['--delete', 'maybe'], {}).inputs.delete).toBe('maybe')
  })

  test('a stray argument is refused', () => {
    expect(() => readInputs(['--bucket', 'b', 'public'], {})).toThrow(
      /Unexpected argument 'public'/
    )
  })

  test('an unknown flag is refused, naming it', () => {
    expect(() => readInputs(['--bukket', 'x'], {})).toThrow(InputError)
    expect(() => readInputs(['--bukket', 'x'], {})).toThrow(
      "Unknown flag '--bukket'. Run with --help to list the flags."
    )
    expect(() => readInputs(['-b', 'x'], {})).toThrow(
      "Unknown flag '-b'. Run with --help to list the flags."
    )
  })

  test('a flag spelled another way is refused, naming the input it was meant to be', () => {
    for (const [flag, meant] of [
      ['--distribution_id', '--distribution-id'],
      ['--DISTRIBUTION-ID', '--distribution-id'],
      ['--dryrun', '--dry-run'],
      ['--no_wait', '--no-wait'],
      ['--nodelete', '--no-delete']
    ]) {
      expect(() => readInputs([flag!, 'x'], {})).toThrow(
        `Unknown flag '${flag}': did you mean ${meant}? Run with --help to list the flags.`
      )
    }
    // --no- only for a true/false input.
    expect(() => readInputs(['--no-bucket'], {})).toThrow(
      "Unknown flag '--no-bucket'. Run with --help to list the flags."
    )
  })

  test('a flag without its value is refused', () => {
    expect(() => readInputs(['--bucket'], {})).toThrow(/Flag --bucket needs a value/)
    expect(() => readInputs(['--bucket', '--delete'], {})).toThrow(/Flag --bucket needs a value/)
  })

  test('a negative number after a flag is its value (--max-deletes -1)', () => {
    expect(readInputs(['--max-deletes', '-1', '--delete'], {}).inputs).toEqual({
      'max-deletes': '-1',
      delete: 'true'
    })
    expect(readInputs(['--lock-timeout', '-5'], {}).inputs['lock-timeout']).toBe('-5')
  })

  test('--help and -h', () => {
    expect(readInputs(['--help'], {}).help).toBe(true)
    expect(readInputs(['-h'], {}).help).toBe(true)
    expect(readInputs([], {}).help).toBe(false)
  })
})
