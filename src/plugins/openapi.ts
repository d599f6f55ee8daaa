// The emulator's own OpenAPI document at /openapi.json and a docs page at
// /docs, both generated from the TypeBox route schemas (no key needed).
import type { FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { CONTRACT_VERSION } from '../version.js'

interface Parameter { in: string, description?: string, schema?: Record<string, unknown> }
interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: Parameter[] }>>
  [key: string]: unknown
}

// The upstream document's layout: the path parameter before the query
// parameters (FastAPI's order), and each parameter's description repeated in
// its schema, as FastAPI writes it. (Paths are already relative to the `/v2`
// server: @fastify/swagger strips a server's base path from route URLs.)
export const asUpstreamLayout = (doc: OpenApiDocument): OpenApiDocument => {
  for (const operations of Object.values(doc.paths)) {
    for (const operation of Object.values(operations)) {
      if (operation.parameters === undefined) continue
      const withSchemaDescription = operation.parameters.map((p) =>
        p.description === undefined ? p : { ...p, schema: { ...p.schema, description: p.description } })
      operation.parameters = [...withSchemaDescription.filter((p) => p.in === 'path'), ...withSchemaDescription.filter((p) => p.in !== 'path')]
    }
  }
  return doc
}

// The docs page, at the root (the banner links it).
export const DOCS_PATH = '/docs'

// `prefix`: where the emulated routes live (src/routes/emulated-routes.ts).
export const registerOpenApi = async (app: FastifyInstance, prefix: string): Promise<void> => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Meibel AI API',
        summary: 'Meibel Gateway Service',
        description: 'Our API allows you to interact with our services. Read the [docs](https://docs.meibel.ai) to learn how to use it.',
        version: CONTRACT_VERSION
      },
      // Relative, so "Try it out" on /docs calls this emulator wherever it listens.
      servers: [{ url: prefix, description: 'This emulator (the spec\'s "Local Development" server)' }],
      tags: [{ name: 'Agents', description: 'Agent definition management' }],
      components: {
        securitySchemes: {
          APIKeyHeader: { type: 'apiKey', in: 'header', name: 'Meibel-API-Key' }
        }
      }
    },
    transformObject: (documentObject) => asUpstreamLayout((documentObject as { openapiObject: OpenApiDocument }).openapiObject),
    // Components keep their contract names (SessionSummary, ...), not def-N.
    // (every shared schema has an $id: Fastify's addSchema requires one).
    refResolver: { buildLocalReference: (json) => json.$id as string }
  })
  await app.register(swaggerUi, { routePrefix: DOCS_PATH })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}
