import type { DemoContent } from './content.ts'

export const en: DemoContent = {
  workspace: { slug: 'demo', name: 'Car brand X (demo)', locale: 'en' },
  segment: {
    name: 'Family men 30+',
    description: 'Drivers with a family, income from 100,000 RUB a month, who have settled on a crossover. One of six key segments chosen by margin.',
    portrait: {
      age: '30–45', city: 'Cities over 1 million people', income: 'from 100,000 RUB a month',
      interests: 'Family trips, fishing, home improvement', media: 'Car forums, video reviews, Telegram channels', habits: 'Second or third car; stays with a brand that treats him well',
    },
  },
  journey: { name: 'Buying a crossover', description: 'The sales funnel from the customer\'s side, from first options to service.' },
  stages: [
    { name: 'Choosing crossover options', customerGoals: 'Find crossovers that fit the family and the budget', customerThoughts: '"Which models are even worth a look?"', customerActions: 'Reads reviews, watches videos, asks friends', brandGoals: 'Get model X onto the short list', externalExperience: 'Reviews mostly compare three rival models' },
    { name: 'Comparing models and trims', customerGoals: 'Understand the trims and what each costs', customerThoughts: '"Is the top trim worth the difference?"', customerActions: 'Uses the configurator, reads forums', brandGoals: 'Show the value of the mid and top trims', externalExperience: 'Configurator prices differ from dealer prices' },
    { name: 'Choosing a dealership', customerGoals: 'Find the best dealership: location, transport access', customerThoughts: '"Where will they give me the best terms?"', customerActions: 'Looks up dealers on the brand site and maps', brandGoals: 'The brand site lists current official dealers with contacts', externalExperience: 'No dealer publishes a final price' },
    { name: 'Contacting the dealer', customerGoals: 'Get an appointment quickly', customerThoughts: '"Will anyone call me back?"', customerActions: 'Sends a web request or calls', brandGoals: 'Answer every request within 15 minutes', externalExperience: 'Called back five minutes after the web request and quickly told which showroom and when to come' },
    { name: 'First visit and consultation', customerGoals: 'See the car and get every question answered', customerThoughts: '"Will I like the inside? Will they push extra options on me? Can the manager tell me everything about this model?"', customerActions: 'Drives to the showroom, talks to the manager', brandGoals: 'Get the customer to book a test drive', externalExperience: 'The manager offered a test drive within the first two minutes' },
    { name: 'Booking a test drive', customerGoals: 'Pick a convenient time', customerThoughts: '"Can I come on Saturday with my wife?"', customerActions: 'Agrees on a slot with the manager', brandGoals: 'Book the slot before the customer leaves', externalExperience: 'Weekend slots are booked a week ahead' },
    { name: 'Waiting for the test drive', customerGoals: 'Not lose the slot', customerThoughts: '"Maybe I should try the rival model first"', customerActions: 'Keeps looking at other brands', brandGoals: 'Keep the customer warm until the test drive', externalExperience: 'A reminder call the day before' },
    { name: 'Test drive', customerGoals: 'Feel the car on real roads', customerThoughts: '"Is it comfortable for the whole family?"', customerActions: 'Drives a set route with the manager', brandGoals: 'Show the car\'s strengths', externalExperience: 'The route is 15 minutes in city traffic' },
    { name: 'Offer and terms', customerGoals: 'Get a clear final price with options and credit', customerThoughts: '"What is the real price in the end?"', customerActions: 'Discusses options, trade-in, credit', brandGoals: 'Close the deal with extra equipment', externalExperience: 'The offer was printed and explained line by line' },
    { name: 'The deal', customerGoals: 'Sign quickly and pay the deposit', customerThoughts: '"Why is this taking so long?"', customerActions: 'Signs the contract and pays the prepayment', brandGoals: 'Complete the paperwork without errors', externalExperience: 'Signing took almost two hours' },
    { name: 'Waiting for the car', customerGoals: 'Know when the car will arrive', customerThoughts: '"Has anything happened to my order?"', customerActions: 'Calls the manager for news', brandGoals: 'Keep the customer until hand-over', externalExperience: 'No news between prepayment and the delivery call' },
    { name: 'Hand-over and warranty service', customerGoals: 'Receive the car and keep it under warranty', customerThoughts: '"Where is it best to service it?"', customerActions: 'Takes the car, books the first service', brandGoals: 'Keep the customer at official dealers: warranty, bonus programmes', externalExperience: 'The hand-over was festive and quick' },
  ],
  touchpoints: [
    { stage: 0, channel: 'website', description: 'Model pages and reviews on the brand site' },
    { stage: 0, channel: 'outdoor', description: 'Billboards along the main motorways' },
    { stage: 1, channel: 'website', description: 'Online configurator' },
    { stage: 1, channel: 'forum', description: 'Owner forums' },
    { stage: 2, channel: 'website', description: 'Dealer list with contacts' },
    { stage: 3, channel: 'website', description: 'Web request form' },
    { stage: 3, channel: 'call', description: 'Call-back from the dealer' },
    { stage: 4, channel: 'showroom', description: 'Consultation with the sales manager' },
    { stage: 5, channel: 'call', description: 'Reminder call from the dealer before the test drive' },
    { stage: 6, channel: 'email', description: 'Personal email from the manager before the test drive' },
    { stage: 8, channel: 'showroom', description: 'Printed offer explained by the manager' },
    { stage: 10, channel: 'personal_account', description: 'Order status in the personal account' },
    { stage: 11, channel: 'sms', description: 'Service reminders' },
  ],
  barriers: [
    { key: 'price', stage: 2, title: 'No final price anywhere', description: 'The customer has to visit each dealer to learn the terms; choosing a dealer takes a lot of time; dealer sites lack information.', kind: 'missing_information', evidenceSource: 'interview', evidenceQuotes: ['"I spent two Saturdays driving between dealers just to hear a price."'], shareAffected: 0.4, severity: 'high' },
    { key: 'pushy', stage: 4, title: 'The manager pushes the test drive before answering questions', description: 'The customer\'s goal (get answers) clashes with the brand\'s goal (book a test drive).', kind: 'goal_clash', evidenceSource: 'mystery_shopper', evidenceQuotes: ['"He did not let me ask anything, just kept offering a test drive."'], shareAffected: 0.3, severity: 'high' },
    { key: 'paperwork', stage: 9, title: 'Long paperwork at signing', description: 'Customers were unhappy with how long signing the contract took.', kind: 'process_friction', evidenceSource: 'csi_survey', evidenceQuotes: ['"Two hours for papers, with a child in the showroom."'], shareAffected: 0.5, severity: 'medium' },
    { key: 'silence', stage: 10, title: 'Nothing happens after prepayment', description: 'The customer hears nothing while waiting and may change their mind and go to another dealer.', kind: 'expectation_gap', evidenceSource: 'nps_survey', evidenceQuotes: ['"After I paid, they forgot about me for a month."'], shareAffected: 0.35, severity: 'critical' },
  ],
  recommendations: [
    { key: 'answer-first', stage: 4, barrier: 'pushy', text: 'Answer every question first, keep eye contact, know the brand and cars in general; connect the customer to an email sales chain about useful extras (roof rails, tow bar).', channel: 'email' },
    { key: 'prices-online', stage: 2, barrier: 'price', text: 'Publish each dealer\'s final price with its current offers on the brand site.', channel: 'website' },
    { key: 'shorter-signing', stage: 9, barrier: 'paperwork', text: 'Shorten the signing process; send a congratulation email after the purchase with a small gift (a car cushion, an air freshener).', channel: 'email' },
    { key: 'status-chain', stage: 10, barrier: 'silence', text: 'A status email chain while the customer waits: where the car is, which assembly stage, what else it will need (sill guards, mats), how to use it in the first months.', channel: 'email' },
    { key: 'test-drive-reminder', stage: 6, barrier: null, text: 'A reminder call and a personal email from the manager before the test drive, so the customer does not forget or switch brands.', channel: 'call' },
  ],
  hypotheses: [
    { key: 'H1', recommendation: 'answer-first', change: 'connect the customer to an email sales chain about extra equipment', expectedOutcome: 'the share of deals with extra equipment bought will be higher than when only the personal manager offers it', rationale: 'customers decide on extras at home, with time to compare, not under pressure in the showroom', primaryMetric: 'Deal includes extra equipment', baselineRate: 0.15, expectedLift: 0.12, valuePerConversion: 1200, ice: { impact: 8, confidence: 7, ease: 8 }, owner: 'marketer', status: 'ready' },
    { key: 'H2', recommendation: 'status-chain', change: 'send a status email chain while the customer waits for the car', expectedOutcome: 'more prepaid deals will end with the customer taking the car (fewer cancellations)', rationale: 'silence after prepayment is when customers drift to other dealers', primaryMetric: 'Prepaid deal ends with hand-over', baselineRate: 0.8, expectedLift: 0.08, valuePerConversion: 150000, ice: { impact: 9, confidence: 6, ease: 7 }, owner: 'analyst', status: 'ready' },
    { key: 'H3', recommendation: 'shorter-signing', change: 'send a congratulation email with a small gift after the purchase', expectedOutcome: 'more buyers will come back for the first service at the same dealer', rationale: 'a warm ending to a long signing restores goodwill', primaryMetric: 'First service at the same dealer', baselineRate: 0.55, expectedLift: 0.12, valuePerConversion: 9000, ice: { impact: 6, confidence: 7, ease: 9 }, owner: 'marketer', status: 'ready' },
    { key: 'H4', recommendation: 'prices-online', change: 'publish each dealer\'s final price on the brand site', expectedOutcome: 'more web requests will turn into showroom visits', rationale: 'customers who know the price come to buy, not to ask', primaryMetric: 'Web request leads to a visit', baselineRate: 0.35, expectedLift: 0.08, valuePerConversion: null, ice: { impact: 9, confidence: 5, ease: 3 }, owner: 'marketer', status: 'ready' },
    { key: 'H5', recommendation: 'test-drive-reminder', change: 'add a personal email from the manager the day before the test drive', expectedOutcome: 'fewer booked test drives will be missed', rationale: 'a personal note keeps the appointment in mind and the rival out of it', primaryMetric: 'Booked test drive takes place', baselineRate: 0.7, expectedLift: 0.1, valuePerConversion: null, ice: { impact: 5, confidence: 6, ease: 9 }, owner: 'analyst', status: 'draft' },
    { key: 'H6', recommendation: 'status-chain', change: 'add an email on what else the car will need (sill guards, mats) while it is on its way', expectedOutcome: 'more buyers will add accessories before hand-over', rationale: 'the waiting time is when buyers plan for the car', primaryMetric: 'Accessories added before hand-over', baselineRate: null, expectedLift: null, valuePerConversion: null, ice: { impact: 4, confidence: 5, ease: 8 }, owner: null, status: 'draft' },
  ],
  tests: [
    {
      hypothesis: 'H1', name: 'Email chain on extra equipment', state: 'completed', plan: { controlShare: 0.5, targetDeals: 122, maxDurationDays: 180 }, startedDaysAgo: 160,
      deals: { seed: 11, prefix: 'EQ', arms: { control: { deals: 60, conversions: 9 }, treatment: { deals: 62, conversions: 17 } }, fromDaysAgo: 155, toDaysAgo: 6, revenue: [500, 2000] },
    },
    {
      hypothesis: 'H2', name: 'Status chain while waiting for the car', state: 'running', plan: { controlShare: 0.5, targetDeals: 150, maxDurationDays: 180 }, startedDaysAgo: 60,
      deals: { seed: 22, prefix: 'PP', arms: { control: { deals: 30, conversions: 24 }, treatment: { deals: 31, conversions: 28 } }, fromDaysAgo: 56, toDaysAgo: 1, revenue: [2_500_000, 4_200_000] },
    },
    {
      hypothesis: 'H3', name: 'Congratulation email with a gift', state: 'decided', plan: { controlShare: 0.5, targetDeals: 140, maxDurationDays: 220 }, startedDaysAgo: 210,
      deals: { seed: 33, prefix: 'SV', arms: { control: { deals: 70, conversions: 38 }, treatment: { deals: 70, conversions: 50 } }, fromDaysAgo: 205, toDaysAgo: 50, revenue: [6000, 14000] },
    },
  ],
  decision: {
    rationale: 'Returns for the first service rose clearly with the email and gift, at a low cost per buyer. Roll out to every dealer in the region.',
    rolloutNote: 'All dealers send the congratulation email and a car cushion from next month; the CRM team owns the template.',
  },
}
