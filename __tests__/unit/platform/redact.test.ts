import { MIN_SECRET_LENGTH, Redactor } from '../../../src/platform/redact'

test('a value shorter than a credential is no secret: the text, input names included, stays whole', () => {
  const redactor = new Redactor()
  redactor.add('tok')
  redactor.add('x'.repeat(MIN_SECRET_LENGTH - 1))
  const text = "Input 'web-identity-token' is set but 'role-to-assume' is not: xxxxxxx"
  expect(redactor.redact(text)).toBe(text)
})

test('a value of credential length is replaced wherever it occurs, the longest first', () => {
  const redactor = new Redactor()
  redactor.add('AKIAEXAMPLE')
  redactor.add('AKIAEXAMPLEKEY')
  expect(redactor.redact('id AKIAEXAMPLEKEY, AKIAEXAMPLE.')).toBe('id ***, ***.')
})
