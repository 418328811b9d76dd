/**
 * SQL condition keeping rows whose materialised-path `column` lies under one of `scopes`
 * (paths hold only ids and slashes, so they are safe LIKE prefixes). No scopes: no rows.
 */
export function underScopes(column: string, scopes: string[], name = 'scope'): [string, Record<string, string>] {
  if (scopes.length === 0) return ['FALSE', {}];
  if (scopes.includes('')) return ['TRUE', {}];
  const params = Object.fromEntries(scopes.map((scope, i) => [`${name}${i}`, `${scope}%`]));
  return [`(${scopes.map((_, i) => `${column} LIKE :${name}${i}`).join(' OR ')})`, params];
}
