import { formatBytes, formatCount } from '../../../src/plan/format'

describe('formatCount', () => {
  it('groups digits as en-US does, without ICU', () => {
    const samples = [0, 7, 999, 1000, 1024, 99_999, 100_000, 1_048_576, 123_456_789, 1e12, -4321]
    for (const n of samples) expect(formatCount(n)).toBe(n.toLocaleString('en'))
  })

  it('rounds a rate to a whole number first', () => {
    expect(formatCount(21_345.6)).toBe('21,346')
    expect(formatCount(999.4)).toBe('999')
  })
})

describe('formatBytes', () => {
  it('uses binary units with one decimal below 10', () => {
    expect(formatBytes(1023)).toBe('1023 B')
    expect(formatBytes(1536)).toBe('1.5 KiB')
    expect(formatBytes(47.4 * 2 ** 20)).toBe('47 MiB')
    expect(formatBytes(3 * 2 ** 40)).toBe('3.0 TiB')
  })
})
