// Errors as FastAPI sends them: the 422 validation body (§6), `{"detail":
// <status phrase>}` for other client errors (starlette/exceptions.py), and
// Starlette's plain-text 500.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { FastApiValidationError, JSON_CONTENT_TYPE, validationErrorBody } from './errors.js'
import { httpExceptionBody } from './status-phrases.js'

export const INTERNAL_SERVER_ERROR_BODY = 'Internal Server Error'

export const fastApiErrorHandler = (error: FastifyError | FastApiValidationError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
  if (error instanceof FastApiValidationError) {
    return reply.code(422).type(JSON_CONTENT_TYPE).send(validationErrorBody(error.detail))
  }
  const status = error.statusCode ?? 500
  // A client error Python has a phrase for; any other status would make
  // HTTPException itself fail in FastAPI, which answers 500.
  const body = status >= 400 && status < 500 ? httpExceptionBody(status) : null
  if (body !== null) return reply.code(status).type(JSON_CONTENT_TYPE).send(body)
  // A database failure the store has already reported is logged once per kind (src/server.ts), not per request.
  if ((error as { reported?: boolean }).reported !== true) request.log.error({ err: error }, 'unhandled error')
  return reply.code(500).type('text/plain; charset=utf-8').send(INTERNAL_SERVER_ERROR_BODY)
}
