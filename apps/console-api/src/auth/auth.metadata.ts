/** Route metadata keys of the auth decorators. */
export const ROLES_KEY = 'parley:roles';
export const QUERY_TOKEN_KEY = 'parley:query-token';
