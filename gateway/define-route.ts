import type { Express, IRoute, Request, RequestHandler, Response, Router } from 'express';
import type { ZodType } from 'zod';
import { parseInput } from './http-error.js';

/** What a response carries: JSON of a schema, another media type, or a redirect with no body. */
export type ResponseShape = ZodType | 'image/png' | 'image/webp' | 'text/html' | 'text/css' | 'redirect';

/** One operation of the gateway, as it is both served and documented. */
export interface RouteSpec<Body = unknown, Params = unknown, Query = unknown> {
  method: 'get' | 'post' | 'delete';
  /** Express path relative to where the router is mounted, e.g. `/tasks/:id`. */
  path: string;
  summary: string;
  /**
   * Who may call it. Default: a paired phone with its bearer token (enforced by mounting the
   * router behind `requireDevice`; the gateway test proves every such route answers 401).
   * `false`: anyone. `'loopback'`: no token, but only from the desktop itself.
   */
  auth?: false | 'loopback';
  body?: ZodType<Body>;
  /** The body's media type: JSON, unless it is the setup page's HTML form. */
  bodyType?: 'form';
  params?: ZodType<Params>;
  /** The query string's parameters (strings, as Express parses them); a mismatch is a 422. */
  query?: ZodType<Query>;
  responses: Record<number, ResponseShape>;
  /** Middleware that runs before validation: loopback guards, form parsers, CSRF and rate checks. */
  before?: RequestHandler[];
}

/** The validated input a handler receives; it never sees unchecked `req.body`, `req.params` or `req.query`. */
export interface RouteInput<Body, Params, Query = undefined> {
  body: Body;
  params: Params;
  query: Query;
}

export type RouteHandler<Body, Params, Query = undefined> = (input: RouteInput<Body, Params, Query>, req: Request, res: Response) => unknown;

/** Specs by the Express route object they were registered as; read back by walking the app. */
const declared = new WeakMap<object, RouteSpec>();

/**
 * Registers one route and records its spec, so the route and its documentation are one
 * statement and cannot drift: the handler runs only after `before` and after the path parameters
 * query and body pass the very schemas the OpenAPI document is generated from (404 for parameters
 * that name nothing, then 422 for a bad query or body, as `parseInput` answers).
 */
export function defineRoute<Body = undefined, Params = undefined, Query = undefined>(
  router: Pick<Router, 'route'> | Express,
  spec: RouteSpec<Body, Params, Query>,
  handler: RouteHandler<Body, Params, Query>,
): void {
  const run: RequestHandler = (req, res) => {
    const params = (spec.params ? parseInput(spec.params, req.params, 'params') : undefined) as Params;
    const query = (spec.query ? parseInput(spec.query, { ...req.query }, 'query') : undefined) as Query;
    const body = (spec.body ? parseInput(spec.body, req.body) : undefined) as Body;
    return handler({ body, params, query }, req, res);
  };
  const route: IRoute = router.route(spec.path);
  route[spec.method](...(spec.before ?? []), run);
  declared.set(route, spec as RouteSpec);
}

/** A route the app actually serves: its method, full Express path, and spec unless registered outside {@link defineRoute}. */
export interface RegisteredRoute {
  method: string;
  path: string;
  spec?: RouteSpec;
}

interface StackLayer {
  route?: { path: unknown; methods: Record<string, boolean> };
  rawPath?: unknown;
  handle: { stack?: StackLayer[] };
}

function joinPath(prefix: string, path: unknown): string {
  if (typeof path !== 'string') throw new TypeError(`Route paths must be strings to be documented; found ${String(path)} under "${prefix || '/'}"`);
  return path === '/' ? prefix || '/' : `${prefix}${path}`;
}

/**
 * Every route an Express 5 app serves, found by walking its router stack into mounted routers
 * (their mount paths are `layer.rawPath`). The OpenAPI document and the start-up check that no
 * route is undeclared both read this, so they see what is served, not what someone listed.
 */
export function registeredRoutes(app: Express): RegisteredRoute[] {
  const found: RegisteredRoute[] = [];
  const walk = (stack: StackLayer[], prefix: string): void => {
    for (const layer of stack) {
      if (layer.route) {
        const path = joinPath(prefix, layer.route.path);
        const spec = declared.get(layer.route);
        for (const method of Object.keys(layer.route.methods)) found.push({ method, path, ...(spec ? { spec } : {}) });
      } else if (Array.isArray(layer.handle.stack)) {
        walk(layer.handle.stack, layer.rawPath === '/' ? prefix : joinPath(prefix, layer.rawPath));
      }
    }
  };
  walk((app.router as unknown as { stack: StackLayer[] }).stack, '');
  return found;
}
