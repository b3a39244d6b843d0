import { parseRoute, routeHref, type Route } from './routes';

describe('routes', () => {
  it('round-trips every route through its href', () => {
    const routes: Route[] = [
      { page: 'workspace' },
      { page: 'workspace', conversationId: 'c-1' },
      { page: 'operators' },
      { page: 'lines' },
      { page: 'channels', lineId: 'l 1' },
    ];
    for (const route of routes) expect(parseRoute(routeHref(route))).toEqual(route);
  });

  it('falls back to the workspace for anything unknown', () => {
    expect(parseRoute('')).toEqual({ page: 'workspace' });
    expect(parseRoute('#/nowhere')).toEqual({ page: 'workspace' });
  });
});
