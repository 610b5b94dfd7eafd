import type { Context } from 'hono'
import { html, raw } from 'hono/html'
import type { AppEnv } from '../context.ts'

interface Operation {
  summary?: string
  description?: string
  tags?: string[]
  requestBody?: { content?: Record<string, { schema?: unknown }> }
  responses?: Record<string, { description?: string }>
  parameters?: { name: string; in: string; required?: boolean; schema?: { type?: string } }[]
}

const escape = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
const schemaName = (schema: unknown) => {
  const ref = (schema as { $ref?: string } | undefined)?.$ref
  return ref ? ref.split('/').pop()! : 'object'
}

/**
 * A readable reference of the API, rendered on the server from the same OpenAPI document as
 * /api/openapi.json: no script, no external assets, so it works offline and under a strict CSP.
 */
export function docsPage(c: Context<AppEnv>, document: unknown) {
  const spec = document as {
    paths: Record<string, Record<string, Operation>>
    components?: { schemas?: Record<string, unknown> }
  }
  const byTag = new Map<string, string[]>()
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags?.[0] ?? 'other'
      const params = (op.parameters ?? [])
        .map((p) => `<code>${escape(p.name)}</code> <small>${p.in}${p.required ? ', required' : ''}</small>`)
        .join(' · ')
      const body = op.requestBody?.content?.['application/json']?.schema
      const statuses = Object.entries(op.responses ?? {})
        .map(([s, r]) => `<li><b>${s}</b> ${escape(r.description ?? '')}</li>`)
        .join('')
      const row = `<section><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escape(path)}</code></h3>
        ${params ? `<p>${params}</p>` : ''}${body ? `<p>Body: <a href="#schema-${schemaName(body)}">${schemaName(body)}</a></p>` : ''}<ul>${statuses}</ul></section>`
      byTag.set(tag, [...(byTag.get(tag) ?? []), row])
    }
  }
  const schemas = Object.entries(spec.components?.schemas ?? {})
    .map(
      ([name, s]) =>
        `<section id="schema-${escape(name)}"><h3>${escape(name)}</h3><pre>${escape(JSON.stringify(s, null, 2))}</pre></section>`,
    )
    .join('')
  const toc = [...byTag.keys()].map((t) => `<a href="#tag-${t}">${t}</a>`).join(' ')
  return c.html(
    html`<!doctype html>
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <title>CX workbench API</title>
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <style>
            body {
              font:
                15px/1.5 system-ui,
                sans-serif;
              max-width: 980px;
              margin: 2rem auto;
              padding: 0 1rem;
              color: #1f2933;
            }
            code {
              font-family: ui-monospace, monospace;
            }
            h2 {
              border-bottom: 1px solid #e4e7eb;
              padding-top: 1rem;
            }
            section {
              margin: 0 0 1.2rem;
            }
            .m {
              display: inline-block;
              min-width: 4.5em;
              font-size: 12px;
              padding: 2px 6px;
              border-radius: 4px;
              color: #fff;
              background: #52606d;
            }
            .get {
              background: #2f80ed;
            }
            .post {
              background: #27ae60;
            }
            .patch {
              background: #f2994a;
            }
            .delete {
              background: #eb5757;
            }
            pre {
              background: #f5f7fa;
              padding: 0.75rem;
              overflow: auto;
              font-size: 12px;
            }
            nav a {
              margin-right: 0.75rem;
            }
          </style>
        </head>
        <body>
          <h1>CX experiment workbench API</h1>
          <p>
            JSON over HTTP. Sign in with <code>POST /api/auth/login</code> (session cookie) or send a
            workspace API key as <code>Authorization: Bearer …</code>. Errors are
            <code>{"error": {"code", "message", "details": [{"path", "message"}]}}</code>. Machine-readable:
            <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).
          </p>
          <nav>${raw(toc)} <a href="#schemas">schemas</a></nav>
          ${raw([...byTag].map(([tag, rows]) => `<h2 id="tag-${tag}">${tag}</h2>${rows.join('')}`).join(''))}
          <h2 id="schemas">Schemas</h2>
          ${raw(schemas)}
        </body>
      </html>`,
  )
}
