// The car-sales journey a new map may start from; kept apart so tests can read it without the API client.

/** The twelve stages of buying a car, from choosing options to service; names are catalog keys. */
export const CAR_SALES_STAGES = [
  'options',
  'compare',
  'dealership',
  'contact',
  'firstVisit',
  'bookTestDrive',
  'waitTestDrive',
  'testDrive',
  'offer',
  'deal',
  'waitCar',
  'handOver',
] as const
