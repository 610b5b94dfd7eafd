import { createHash, randomBytes } from 'node:crypto'

/** Tokens are random and stored only as their SHA-256, so a database leak reveals no usable token. */
export function newToken(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}
