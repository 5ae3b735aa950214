/** (No imports: k6 loads this file as it is.) */

/** The two write paths behind the split, as they appear in the X-Route header, metrics and records. */
export const ROUTES = ['grpc', 'redis'] as const;
export type RouteName = (typeof ROUTES)[number];

/** Which REST service answers for which route. */
export const ROUTE_SERVICE: Readonly<Record<RouteName, 'grpc-client' | 'redis-writer'>> = {
  grpc: 'grpc-client',
  redis: 'redis-writer',
};

/** The route each write-path service belongs to: its X-Route, its metrics' `route` label, its records' `route`. */
export const SERVICE_ROUTE: Readonly<Record<'grpc-client' | 'grpc-server' | 'redis-writer', RouteName>> = {
  'grpc-client': 'grpc',
  'grpc-server': 'grpc',
  'redis-writer': 'redis',
};

/**
 * What k6 records as the route of an answer: the X-Route value when it is a plain token, else one of
 * the two tokens below. The ack lines and the per-route metrics carry it.
 */
export const ROUTE_TOKEN_PATTERN = /^[a-z0-9_-]{1,32}$/;
/** An answer without X-Route: k6 could not connect, or something in front of the services answered. */
export const NO_ROUTE = 'none';
/** An X-Route that is not a plain token. */
export const ODD_ROUTE = 'other';
