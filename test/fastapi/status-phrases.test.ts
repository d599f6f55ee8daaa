import t from 'tap'
import { bodyAllowedForStatus, HTTP_STATUS_PHRASES, httpExceptionBody } from '../../src/fastapi/status-phrases.js'

t.test("FastAPI's body for a status: Python's phrase", async (t) => {
  t.equal(httpExceptionBody(503), '{"detail":"Service Unavailable"}')
  t.equal(httpExceptionBody(413), '{"detail":"Request Entity Too Large"}', 'CPython 3.11, not Node ("Payload Too Large")')
  t.equal(httpExceptionBody(422), '{"detail":"Unprocessable Entity"}')
  t.equal(httpExceptionBody(418), '{"detail":"I\'m a Teapot"}')
  t.equal(httpExceptionBody(599), null, 'HTTPStatus(599) does not exist')
  t.equal(HTTP_STATUS_PHRASES.size, 62, 'every http.HTTPStatus member of CPython 3.11')
})

t.test('statuses FastAPI sends without a body', async (t) => {
  t.same([100, 199, 204, 205, 304].map(bodyAllowedForStatus), [false, false, false, false, false])
  t.same([200, 201, 206, 303, 400, 503].map(bodyAllowedForStatus), [true, true, true, true, true, true])
})
