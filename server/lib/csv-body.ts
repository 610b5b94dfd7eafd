import { createReadStream, createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import { ApiError } from '../errors.ts'

/** The largest CSV upload, in bytes. */
export const CSV_BODY_LIMIT = 256 * 1024 * 1024

export const csvTooLarge = () =>
  new ApiError(413, 'payload_too_large', `The body is larger than ${CSV_BODY_LIMIT / 1024 / 1024} MB`)

const notUtf8 = () =>
  new ApiError(400, 'invalid_input', 'The CSV is not valid UTF-8: save it as "CSV UTF-8" and send it again', [
    { path: 'body', message: 'not UTF-8' },
  ])

/**
 * A byte stream as text, decoded as UTF-8 as it arrives (a character split between pieces is
 * decoded whole; a byte sequence that is not UTF-8 is a 400, never a replacement character).
 */
async function* decodeUtf8(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
  try {
    for await (const piece of bytes) {
      const text = decoder.decode(piece, { stream: true })
      if (text) yield text
    }
    const rest = decoder.decode()
    if (rest) yield rest
  } catch (err) {
    if (err instanceof TypeError) throw notUtf8()
    throw err
  }
}

/** The pieces of a request body, counted against the CSV limit as they arrive. */
async function* limited(body: ReadableStream<Uint8Array> | null): AsyncGenerator<Uint8Array> {
  if (!body) return
  let size = 0
  // Node's web streams are async iterable; the DOM typings do not say so.
  for await (const piece of body as unknown as AsyncIterable<Uint8Array>) {
    size += piece.byteLength
    if (size > CSV_BODY_LIMIT) throw csvTooLarge()
    yield piece
  }
}

/**
 * A CSV request body as text, read as it streams in: nothing but the piece being parsed is held,
 * and a reader that stops early (a list past its limit) leaves the rest unread. For reading that
 * needs no database transaction meanwhile.
 */
export function streamedCsv(body: ReadableStream<Uint8Array> | null): AsyncIterable<string> {
  return decodeUtf8(limited(body))
}

/**
 * A CSV request body written to a temporary file as it arrives, then read back as text: the
 * upload's pace (a slow or stalled client) is over before a database transaction starts, and memory
 * stays bounded whatever the file's size. `dispose` removes the file.
 */
export async function spooledCsv(body: ReadableStream<Uint8Array> | null) {
  const dir = await mkdtemp(join(tmpdir(), 'cxw-upload-'))
  const path = join(dir, 'body.csv')
  const dispose = () => rm(dir, { recursive: true, force: true })
  try {
    const file = createWriteStream(path)
    const closed = once(file, 'close')
    try {
      for await (const piece of limited(body)) if (!file.write(piece)) await once(file, 'drain')
    } finally {
      file.end()
      await closed
    }
  } catch (err) {
    await dispose()
    throw err
  }
  return {
    text: decodeUtf8(createReadStream(path, { highWaterMark: 1 << 20 })),
    dispose,
  }
}
