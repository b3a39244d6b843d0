/*
 * Hash routes, so console-api only has to serve index.html at `/` (no history fallback needed):
 *   #/                              workspace, nothing open
 *   #/conversations/<id>            workspace with a conversation open
 *   #/admin/operators               operators
 *   #/admin/lines                   lines and members
 *   #/admin/lines/<id>/channels     channels of a line
 */
export type Route =
  | { page: 'workspace'; conversationId?: string }
  | { page: 'operators' }
  | { page: 'lines' }
  | { page: 'channels'; lineId: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second, third, fourth] = parts;
  if (first === 'conversations' && second) return { page: 'workspace', conversationId: second };
  if (first === 'admin') {
    if (second === 'operators') return { page: 'operators' };
    if (second === 'lines' && third && fourth === 'channels') return { page: 'channels', lineId: third };
    if (second === 'lines') return { page: 'lines' };
  }
  return { page: 'workspace' };
}

export function routeHref(route: Route): string {
  switch (route.page) {
    case 'workspace':
      return route.conversationId ? `#/conversations/${encodeURIComponent(route.conversationId)}` : '#/';
    case 'operators':
      return '#/admin/operators';
    case 'lines':
      return '#/admin/lines';
    case 'channels':
      return `#/admin/lines/${encodeURIComponent(route.lineId)}/channels`;
  }
}

export function isAdminRoute(route: Route): boolean {
  return route.page !== 'workspace';
}
