export default async function globalTeardown () {
  await globalThis.meibelMock.close()
}
