import { createError, type ErrorCode, type ErrorParams } from '@leakproof/core';

type FleetCode = Extract<ErrorCode, `ERR_FLEET_${string}`>;

/** @internal A scrape failure, from the catalogue. */
export function fleetError<C extends FleetCode>(code: C, params: ErrorParams<C>): Error {
  return (createError as (code: C, params: ErrorParams<C>) => Error)(code, params);
}
