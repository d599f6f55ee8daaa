// GET and POST /clock: the emulator clock (README "Live sessions"). A move
// takes effect lazily: the next read of the data sees everything that
// happened in the time skipped.
import type { FastifyPluginAsync } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Clock } from '../clock/clock.js'
import { parseDurationMicros } from '../clock/duration.js'
import { InvalidError } from '../errors.js'
import { ClockBodySchema, ClockSchema, ErrorSchema, type ClockBody } from '../schemas/admin.js'
import { formatDateTimeMicros, readClockTime } from '../store/datetime.js'

const TAGS = ['Clock']

const stateOf = (clock: Clock): { now: string, mode: Clock['mode'], speed: number } =>
  ({ now: formatDateTimeMicros(clock.nowUs()), mode: clock.mode, speed: clock.speed })

// Every field is checked before the clock moves, so a bad request changes nothing.
const apply = (clock: Clock, body: ClockBody): void => {
  let setUs: number | undefined
  if (body.set !== undefined) {
    const us = readClockTime(body.set)
    if (typeof us !== 'number') throw new InvalidError(`field "set": ${us.problem}`)
    setUs = us
  }
  let advanceUs: number | undefined
  if (body.advance !== undefined) {
    const us = parseDurationMicros(body.advance)
    if (us === null) throw new InvalidError('field "advance": expected an ISO 8601 duration of days, hours, minutes and seconds, such as PT10M, or weeks alone, such as P2W')
    advanceUs = us
  }
  if (setUs !== undefined) clock.set(setUs)
  if (advanceUs !== undefined) clock.advance(advanceUs)
  if (body.advance_ms !== undefined) clock.advance(body.advance_ms * 1000)
  if (body.speed !== undefined) clock.setSpeed(body.speed)
  if (body.mode !== undefined) clock.setMode(body.mode)
}

export const clockRoutes: FastifyPluginAsync<{ clock: Clock }> = async (plain, { clock }) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()

  app.get('/clock', {
    schema: { hide: true, tags: TAGS, summary: 'The emulator clock: now, mode and speed', operationId: 'getClock', response: { 200: ClockSchema } }
  }, async () => stateOf(clock))

  app.post('/clock', {
    schema: {
      hide: true,
      tags: TAGS,
      summary: 'Move the emulator clock, or change its speed or mode',
      description: 'Sessions whose planned end it passes end, and agents start the sessions they would have in the time skipped, ' +
        'as the next List Sessions call shows. An empty body changes nothing. POST /reset puts the clock back to its start.',
      operationId: 'setClock',
      body: ClockBodySchema,
      response: { 200: ClockSchema, 409: ErrorSchema, 422: ErrorSchema }
    }
  }, async (request) => {
    apply(clock, request.body)
    return stateOf(clock)
  })
}
