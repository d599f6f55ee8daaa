// The domain's errors: what went wrong, in the domain's words, with a message
// that names the record, field or file. Domain modules (seed/, faults/, auth/,
// store/, journal/, fastapi/, config) throw these and know nothing of HTTP or
// exit codes; only the edges translate them: the control API into 404, 409 and
// 422 answers (src/admin/errors.ts), the CLI into one line on stderr and exit
// code 2 (src/cli.ts).

// Something asked for by name does not exist (control API: 404).
export class NotFoundError extends Error {
  override name = 'NotFoundError'
}

// The request contradicts the current state, e.g. a duplicate id (control API: 409).
export class ConflictError extends Error {
  override name = 'ConflictError'
}

// Input that does not fit its shape or range (control API: 422).
export class InvalidError extends Error {
  override name = 'InvalidError'
}

// The emulator cannot start as asked: a bad option, fixture, keys file or
// database (CLI: one line on stderr, exit code 2; programmatic start: rejects).
export class StartupError extends Error {
  override name = 'StartupError'
}
