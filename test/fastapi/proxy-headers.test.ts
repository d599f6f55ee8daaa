// uvicorn's ProxyHeadersMiddleware (src/fastapi/proxy-headers.ts, §14).
// Expected trust answers are uvicorn 0.54's _TrustedHosts for the same lists.
import t from 'tap'
import { makeRequestScheme, makeTrust } from '../../src/fastapi/proxy-headers.js'
import { build, call } from '../helper.js'

t.test("which clients are trusted, as uvicorn's _TrustedHosts", async (t) => {
  const trusted = makeTrust(['127.0.0.1', '::1', '10.0.0.0/8', 'unix', '10.0.0.1/8', '::ffff:1.2.3.4', 'fe80::/10', '10.0.0.0/x', '10.0.0.0/33', 'foo/8', '2001:db8::/129'])
  const expected: Array<[string | undefined, boolean]> = [
    ['127.0.0.1', true], ['::1', true], ['0:0:0:0:0:0:0:1', true], ['10.2.3.4', true], ['11.0.0.1', false], ['unix', true],
    ['10.0.0.1/8', true], ['::ffff:127.0.0.1', false], ['::ffff:1.2.3.4', true], ['::ffff:102:304', true], ['fe80::1', true],
    ['febf::1', true], ['fec0::1', false], [undefined, false], ['', false], ['10.0.0.0/x', true], ['foo/8', true],
    ['2001:db8::1', false], ['foo', false]
  ]
  for (const [host, trust] of expected) t.equal(trusted(host), trust, String(host))
  t.equal(makeTrust('*')(undefined), true, '* trusts every client')
  t.equal(makeTrust([])('127.0.0.1'), false, 'an empty list trusts none')
})

t.test('the scheme: the last X-Forwarded-Proto of a trusted client, when it is one of uvicorn\'s', async (t) => {
  const scheme = makeRequestScheme(['127.0.0.1'])
  t.equal(scheme(['Host', 't', 'X-Forwarded-Proto', 'https'], '127.0.0.1'), 'https')
  t.equal(scheme(['x-forwarded-proto', 'https', 'X-Forwarded-Proto', ' wss '], '127.0.0.1'), 'wss', 'the last one, stripped')
  t.equal(scheme(['X-Forwarded-Proto', 'HTTPS'], '127.0.0.1'), 'http', 'case-sensitive')
  t.equal(scheme(['X-Forwarded-Proto', 'https, http'], '127.0.0.1'), 'http', 'a list is no scheme')
  t.equal(scheme(['Host', 't'], '127.0.0.1'), 'http', 'no header')
  t.equal(scheme(['X-Forwarded-Proto', 'https'], '10.0.0.1'), 'http', 'an untrusted client')
})

t.test('the 307 Location takes the scheme; --forwarded-allow-ips "" turns it off', async (t) => {
  const headers = { host: 'h', 'x-forwarded-proto': 'https' }
  // app.inject connects from 127.0.0.1.
  const on = await build(t)
  t.equal((await call(on, 'GET', '/v2/agents/x/sessions/', undefined, headers)).headers.location, 'https://h/v2/agents/x/sessions')
  const off = await build(t, { forwardedAllowIps: [] })
  t.equal((await call(off, 'GET', '/v2/agents/x/sessions/', undefined, headers)).headers.location, 'http://h/v2/agents/x/sessions')
})
