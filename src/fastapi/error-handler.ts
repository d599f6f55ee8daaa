// Errors as FastAPI sends them: the 422 validation body (§6), `{"detail":
// <status phrase>}` for other client errors (starlette/exceptions.py), and
// Starlette's plain-text 500.
import { STATUS_CODES } from 'node:http'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { FastApiValidationError, JSON_CONTENT_TYPE, validationErrorBody } from './errors.js'

export const INTERNAL_SERVER_ERROR_BODY = 'Internal Server Error'

export const fastApiErrorHandler = (error: FastifyError | FastApiValidationError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
  if (error instanceof FastApiValidationError) {
    return reply.code(422).type(JSON_CONTENT_TYPE).send(validationErrorBody(error.detail))
  }
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500) {
    return reply.code(status).type(JSON_CONTENT_TYPE).send(JSON.stringify({ detail: STATUS_CODES[status] ?? 'Error' }))
  }
  request.log.error({ err: error }, 'unhandled error')
  return reply.code(500).type('text/plain; charset=utf-8').send(INTERNAL_SERVER_ERROR_BODY)
}
