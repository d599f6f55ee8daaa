// faker's English definitions (en + base): the template every instance is
// made from (newFaker, src/seed/generate.ts). Its own module so that the
// CLI's bundle can load them at the first generated session rather than at
// start (scripts/bundle.mjs: lazyEnglishFaker): their words are about 2.7 MB
// of heap that the default start, which seeds from prepared data, never
// reads (README "Performance": peak RSS). Here, for the programmatic API and
// the tests, they load with the module.
// The English-only entry point loads in a fifth of the time of the package
// index (which loads every locale); its instance is only used as a template.
import type { Faker } from '@faker-js/faker'
import { faker } from '@faker-js/faker/locale/en'

export const englishTemplate = (): Faker => faker
