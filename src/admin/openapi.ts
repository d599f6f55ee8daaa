// The control API's own OpenAPI document, at /__admin/openapi.json, built
// from the admin routes' TypeBox schemas (collected with an onRoute hook).
// A second @fastify/swagger instance would clash with the emulated API's
// `swagger` decorator, and that document must not change, so this is a small
// generator of its own; every admin route is `hide: true` there.
import type { RouteOptions } from 'fastify'
import type { TObject, TSchema } from '@sinclair/typebox'
import { HTTP_STATUS_PHRASES } from '../fastapi/status-phrases.js'
import { ErrorSchema } from '../schemas/admin.js'

export interface AdminRouteSchema {
  tags?: string[]
  summary?: string
  description?: string
  operationId?: string
  params?: TObject
  querystring?: TObject
  body?: TSchema
  response?: Record<string, TSchema>
}

export interface CollectedRoute {
  method: string | string[]
  url: string
  schema?: AdminRouteSchema
}

type Json = Record<string, unknown>

// JSON (TypeBox's symbols dropped), with every schema that has an $id moved
// to components.schemas and referenced from where it was.
const toJsonSchema = (schema: TSchema, components: Json): Json => {
  const hoist = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(hoist)
    if (typeof node !== 'object' || node === null) return node
    const { $id, ...rest } = node as Json
    const out: Json = {}
    for (const [key, value] of Object.entries(rest)) out[key] = hoist(value)
    if (typeof $id !== 'string') return out
    components[$id] = out
    return { $ref: `#/components/schemas/${$id}` }
  }
  return hoist(JSON.parse(JSON.stringify(schema))) as Json
}

const openApiPath = (url: string): string => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')

const parameters = (where: 'path' | 'query', object: TObject | undefined, components: Json): Json[] => {
  if (object === undefined) return []
  const required = new Set(object.required ?? [])
  return Object.entries(object.properties).map(([name, property]) => {
    const { description, ...schema } = toJsonSchema(property, components)
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(description === undefined ? {} : { description }),
      schema
    }
  })
}

const operation = (schema: AdminRouteSchema, secured: boolean, components: Json): Json => {
  const responses: Json = {}
  const listed: Array<[string, TSchema]> = Object.entries(schema.response ?? {})
  if (secured) listed.push(['401', ErrorSchema])
  for (const [status, response] of listed) {
    const phrase = HTTP_STATUS_PHRASES.get(Number(status))!
    responses[status] = {
      description: Number(status) < 400 && typeof response.description === 'string' ? response.description : phrase,
      content: { 'application/json': { schema: toJsonSchema(response, components) } }
    }
  }
  return {
    tags: schema.tags,
    summary: schema.summary,
    ...(schema.description === undefined ? {} : { description: schema.description }),
    operationId: schema.operationId,
    parameters: [...parameters('path', schema.params, components), ...parameters('query', schema.querystring, components)],
    ...(schema.body === undefined
      ? {}
      : { requestBody: { required: true, content: { 'application/json': { schema: toJsonSchema(schema.body, components) } } } }),
    responses
  }
}

export const buildAdminDocument = (routes: readonly CollectedRoute[], { secured }: { secured: boolean }): Json => {
  const components: Json = {}
  const paths: Record<string, Json> = {}
  for (const route of routes) {
    if (route.schema?.operationId === undefined) continue
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    const path = (paths[openApiPath(route.url)] ??= {})
    for (const method of methods) path[method.toLowerCase()] = operation(route.schema, secured, components)
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'meibel-mock control API',
      version: '1.0.0',
      description: 'Test-suite controls of the emulator: its data, a journal of the requests to the emulated API, ' +
        'and faults. Not part of the emulated Meibel AI API or its document (/openapi.json).'
    },
    tags: [
      { name: 'Data', description: 'Agents and sessions, reset and reseed' },
      { name: 'Request journal', description: 'The last requests to the emulated API' },
      { name: 'Faults', description: 'Errors, delays and dropped connections for List Sessions' }
    ],
    ...(secured ? { security: [{ AdminToken: [] }] } : {}),
    paths,
    components: {
      schemas: components,
      securitySchemes: { AdminToken: { type: 'http', scheme: 'bearer', description: 'MEIBEL_MOCK_ADMIN_TOKEN' } }
    }
  }
}

// For the onRoute hook: what the generator needs of a route.
export const collectRoute = (routes: CollectedRoute[]) => (route: RouteOptions): void => {
  routes.push({ method: route.method, url: route.url, schema: route.schema as AdminRouteSchema | undefined })
}
