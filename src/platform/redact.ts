/** Replaces every registered secret with ***, longest first so a secret containing another goes whole. */
export class Redactor {
  private secrets: string[] = []

  add(secret: string): void {
    if (secret === '' || this.secrets.includes(secret)) return
    this.secrets.push(secret)
    this.secrets.sort((a, b) => b.length - a.length)
  }

  redact(text: string): string {
    return this.secrets.reduce((acc, secret) => acc.split(secret).join('***'), text)
  }
}
