/** Bad input: reported as one clear line, before anything is changed. */
export class InputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'InputError'
  }
}

/** `Input 'name' must be …, got 'value'.` — the shape of every validation message. */
export function invalidInput(name: string, value: string, expected: string): InputError {
  return new InputError(`Input '${name}' ${expected}, got '${value}'.`)
}
