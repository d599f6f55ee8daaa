// MEIBEL_MOCK_ADMIN_TOKEN: every control call needs `Authorization: Bearer
// <token>`. Checked in onRequest, so a call without it learns nothing else
// (not even whether its body would be valid).
import { createHash, timingSafeEqual } from 'node:crypto'
import type { onRequestAsyncHookHandler } from 'fastify'

const BEARER_CHALLENGE = 'Bearer'
const MISSING_TOKEN_DETAIL = 'Not authenticated'
const WRONG_TOKEN_DETAIL = 'Invalid admin token'

// RFC 6750: the scheme is case-insensitive.
const BEARER = /^bearer[ \t]+(.*?)[ \t]*$/i

// Hashing first gives equal lengths, so the comparison takes the same time
// whatever the presented token.
const digest = (text: string): Buffer => createHash('sha256').update(text).digest()

// An async hook that answers returns the reply, so Fastify stops there.
export const makeAdminTokenHook = (token: string): onRequestAsyncHookHandler => {
  const expected = digest(token)
  return async (request, reply) => {
    const presented = BEARER.exec(request.headers.authorization ?? '')?.[1]
    if (presented === undefined || presented === '') {
      return reply.code(401).header('www-authenticate', BEARER_CHALLENGE).send({ detail: MISSING_TOKEN_DETAIL })
    }
    if (!timingSafeEqual(digest(presented), expected)) {
      return reply.code(401).header('www-authenticate', BEARER_CHALLENGE).send({ detail: WRONG_TOKEN_DETAIL })
    }
  }
}
