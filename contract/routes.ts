/** The two write paths behind the split, as they appear in the X-Route header, metrics and records. */
export const ROUTES = ['grpc', 'redis'] as const;
export type RouteName = (typeof ROUTES)[number];

/** Which REST service answers for which route. */
export const ROUTE_SERVICE: Readonly<Record<RouteName, 'grpc-client' | 'redis-writer'>> = {
  grpc: 'grpc-client',
  redis: 'redis-writer',
};
