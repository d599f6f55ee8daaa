// ESLint flat config: neostandard, the Fastify ecosystem's style (standard
// style for TypeScript: no semicolons, 2 spaces, single quotes).
import neostandard from 'neostandard'

export default neostandard({
  ts: true,
  // test/examples/: projects of their own (jest globals, a type check of the
  // installed package), run by test/examples/run.sh, not part of this one.
  ignores: ['dist/**', 'coverage/**', '.tap/**', 'reference/.venv/**', 'test/examples/**']
})
