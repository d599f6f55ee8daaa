// ESLint flat config: neostandard, the Fastify ecosystem's style (standard
// style for TypeScript: no semicolons, 2 spaces, single quotes).
import neostandard from 'neostandard'

export default neostandard({
  ts: true,
  ignores: ['dist/**', 'coverage/**', '.tap/**', 'reference/.venv/**']
})
