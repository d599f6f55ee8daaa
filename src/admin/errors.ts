// The control API's errors: `{"detail": "<what was wrong>"}` with a 4xx
// status saying what kind of wrong (404 unknown, 409 conflict, 422 invalid).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'

export class AdminError extends Error {
  override name = 'AdminError'
  constructor (readonly statusCode: number, message: string) {
    super(message)
  }
}

export const INTERNAL_ERROR_DETAIL = 'Internal Server Error'

// Fastify's own 4xx errors (415, 413, invalid JSON, ...) keep their status
// and message; anything else is a bug, logged and answered with a 500.
export const adminErrorHandler = (error: FastifyError | AdminError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500) return reply.code(status).send({ detail: error.message })
  request.log.error({ err: error }, 'unhandled error in the control API')
  return reply.code(500).send({ detail: INTERNAL_ERROR_DETAIL })
}
