// Fastify's own response serializers (fast-json-stringify, by
// @fastify/fast-json-stringify-compiler), each compiled when its route first
// answers with that status instead of when the instance starts: the control
// API's and the error answers' schemas cost tens of ms of a cold start, and
// most of them never serialize anything in a given run. The same compiler
// with the same options writes the same bytes; each route's is made from a
// fresh factory, as the default one would see the shared schemas before any
// route was compiled (it drops a route's own $id from them as it goes).
import { SerializerSelector, type RouteDefinition, type Serializer } from '@fastify/fast-json-stringify-compiler'

type SerializerFactory = ReturnType<typeof SerializerSelector>

export const lazySerializers: SerializerFactory = (externalSchemas, options) => (route: RouteDefinition): Serializer => {
  let serialize: Serializer | undefined
  return (doc) => (serialize ??= SerializerSelector()(externalSchemas, options)(route))(doc)
}
