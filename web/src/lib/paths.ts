import type { ResolvedPathname } from '$app/types'

/**
 * Adds a query string to a path made by `resolve()`. The result is still an app path, so links
 * and `goto` keep the guarantee that they point inside the app.
 */
export function withQuery(
  path: ResolvedPathname,
  query: Record<string, string | number | null | undefined>,
): ResolvedPathname {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== null && value !== undefined && value !== '') params.set(key, String(value))
  }
  const search = params.toString()
  return (search ? `${path}?${search}` : path) as ResolvedPathname
}
