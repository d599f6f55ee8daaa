// Header names compare case-insensitively (h11 lower-cases them, §3.1). Most
// names a request carries differ from the one looked for in length, so the
// lengths go first: no lower-cased copy of every name of every request.
export const isHeaderNamed = (name: string, lowerName: string): boolean =>
  name.length === lowerName.length && (name === lowerName || name.toLowerCase() === lowerName)
