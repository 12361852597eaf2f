/**
 * On GitHub, a secret is registered with the runner (`::add-mask::`), which masks every value it
 * is given, however short (actions/runner's SecretMasker skips only empty ones): a value too
 * short to be a credential is therefore never given to it.
 */
import { githubPlatform } from '../../../src/platform/github'

function capture() {
  const lines: string[] = []
  const write = jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    lines.push(String(chunk))
    return true
  })
  return { lines, restore: () => write.mockRestore() }
}

test('a short value is not announced to the runner, nor masked in our own lines', () => {
  const platform = githubPlatform({})
  const { lines, restore } = capture()
  try {
    platform.setSecret('tok')
    platform.error("Input 'web-identity-token' is set but 'role-to-assume' is not.")
  } finally {
    restore()
  }
  expect(lines.join('')).toBe(
    "::error::Input 'web-identity-token' is set but 'role-to-assume' is not.\n"
  )
})

test('a credential is announced with ::add-mask:: and masked in our own lines too', () => {
  const platform = githubPlatform({})
  const { lines, restore } = capture()
  try {
    platform.setSecret('eyJhbGciOiJSUzI1NiJ9.token')
    platform.info('echoed eyJhbGciOiJSUzI1NiJ9.token')
  } finally {
    restore()
  }
  expect(lines.join('')).toBe('::add-mask::eyJhbGciOiJSUzI1NiJ9.token\nechoed ***\n')
})
