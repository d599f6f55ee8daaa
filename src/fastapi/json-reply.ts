// Sending a finished JSON body (bytes) with its headers set in Starlette's
// final order, so the root onSend hook (src/server.ts) has nothing to move:
// any header the response set itself (www-authenticate, allow, a fault
// rule's), then content-length, then content-type (§6, §9).
import type { FastifyReply } from 'fastify'
import { JSON_CONTENT_TYPE } from './errors.js'

export const sendJsonBytes = (reply: FastifyReply, body: Buffer): FastifyReply => setJsonHeaders(reply, body.length).send(body)

// Also for a streamed body whose length is known up front.
export const setJsonHeaders = (reply: FastifyReply, length: number): FastifyReply => {
  // A fault rule's own content-type would otherwise keep its earlier place.
  if (reply.hasHeader('content-type')) reply.removeHeader('content-type')
  return reply.header('content-length', String(length)).header('content-type', JSON_CONTENT_TYPE)
}
