import { z } from '@hono/zod-openapi'

export const PortfolioQuery = z.object({
  adjust: z
    .enum(['holm', 'benjamini-hochberg'])
    .default('holm')
    .describe('How the p-values of tests concluded in the period are adjusted for multiplicity'),
  from: z.iso.date().optional().describe('Start of the period (completion date), inclusive'),
  to: z.iso.date().optional().describe('End of the period, inclusive'),
  lang: z.enum(['en', 'ru']).default('en'),
})
