// Starlette's HTTPException detail defaults to `http.HTTPStatus(code).phrase`
// (starlette/exceptions.py), so a FastAPI error body for a status is
// `{"detail":"<Python's phrase>"}`. Python's phrases are not Node's
// (STATUS_CODES says "Payload Too Large" for 413, Python 3.11 "Request Entity
// Too Large"), hence this table: CPython 3.11 http.HTTPStatus, the stdlib the
// fidelity document reads (§2).
export const HTTP_STATUS_PHRASES: ReadonlyMap<number, string> = new Map([
  [100, 'Continue'], [101, 'Switching Protocols'], [102, 'Processing'], [103, 'Early Hints'],
  [200, 'OK'], [201, 'Created'], [202, 'Accepted'], [203, 'Non-Authoritative Information'], [204, 'No Content'],
  [205, 'Reset Content'], [206, 'Partial Content'], [207, 'Multi-Status'], [208, 'Already Reported'], [226, 'IM Used'],
  [300, 'Multiple Choices'], [301, 'Moved Permanently'], [302, 'Found'], [303, 'See Other'], [304, 'Not Modified'],
  [305, 'Use Proxy'], [307, 'Temporary Redirect'], [308, 'Permanent Redirect'],
  [400, 'Bad Request'], [401, 'Unauthorized'], [402, 'Payment Required'], [403, 'Forbidden'], [404, 'Not Found'],
  [405, 'Method Not Allowed'], [406, 'Not Acceptable'], [407, 'Proxy Authentication Required'], [408, 'Request Timeout'],
  [409, 'Conflict'], [410, 'Gone'], [411, 'Length Required'], [412, 'Precondition Failed'], [413, 'Request Entity Too Large'],
  [414, 'Request-URI Too Long'], [415, 'Unsupported Media Type'], [416, 'Requested Range Not Satisfiable'],
  [417, 'Expectation Failed'], [418, "I'm a Teapot"], [421, 'Misdirected Request'], [422, 'Unprocessable Entity'],
  [423, 'Locked'], [424, 'Failed Dependency'], [425, 'Too Early'], [426, 'Upgrade Required'], [428, 'Precondition Required'],
  [429, 'Too Many Requests'], [431, 'Request Header Fields Too Large'], [451, 'Unavailable For Legal Reasons'],
  [500, 'Internal Server Error'], [501, 'Not Implemented'], [502, 'Bad Gateway'], [503, 'Service Unavailable'],
  [504, 'Gateway Timeout'], [505, 'HTTP Version Not Supported'], [506, 'Variant Also Negotiates'],
  [507, 'Insufficient Storage'], [508, 'Loop Detected'], [510, 'Not Extended'], [511, 'Network Authentication Required']
])

// FastAPI's http_exception_handler sends no body for these
// (fastapi/utils.py is_body_allowed_for_status_code).
export const bodyAllowedForStatus = (status: number): boolean =>
  !(status < 200 || status === 204 || status === 205 || status === 304)

// What `raise HTTPException(status)` sends: null when Python knows no phrase
// for the status (HTTPStatus(status) would raise).
export const httpExceptionBody = (status: number): string | null => {
  const phrase = HTTP_STATUS_PHRASES.get(status)
  return phrase === undefined ? null : JSON.stringify({ detail: phrase })
}
