// The control API's errors: `{"detail": "<what was wrong>"}` with a 4xx
// status saying what kind of wrong. The domain throws its own errors
// (src/errors.ts); this edge alone turns them into statuses.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { ConflictError, InvalidError, NotFoundError } from '../errors.js'

export const INTERNAL_ERROR_DETAIL = 'Internal Server Error'

// The status of a domain error, or undefined for any other error.
const domainStatus = (error: Error): number | undefined => {
  if (error instanceof NotFoundError) return 404
  if (error instanceof ConflictError) return 409
  if (error instanceof InvalidError) return 422
  return undefined
}

// Domain errors first: Fastify gives an error from a validator a 400 when it
// has no status. Fastify's own 4xx errors (415, 413, invalid JSON, ...) keep
// their status and message; anything else is a bug, logged and answered with
// a 500.
export const adminErrorHandler = (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
  const status = domainStatus(error) ?? ('statusCode' in error ? error.statusCode : undefined) ?? 500
  if (status >= 400 && status < 500) return reply.code(status).send({ detail: error.message })
  request.log.error({ err: error }, 'unhandled error in the control API')
  return reply.code(500).send({ detail: INTERNAL_ERROR_DETAIL })
}
