import type { Express } from 'express';

/** A route an Express app serves, as its router stack records it. */
export interface ServedRoute {
  method: string;
  /** Express syntax, e.g. `/api/tasks/:id`. */
  path: string;
}

type Layer = { route?: { path: string; methods: Record<string, boolean> }; rawPath?: string; handle: { stack?: Layer[] } };

/**
 * Every route an Express 5 app serves, read off its router stack (a mounted router's path is its
 * layer's `rawPath`). Written apart from the gateway's own walker on purpose: the tests check the
 * gateway's description against what is served, so they must not share its code.
 */
export function servedRoutes(app: Express): ServedRoute[] {
  const walk = (stack: Layer[], prefix: string): ServedRoute[] =>
    stack.flatMap((layer) => {
      if (layer.route) return Object.keys(layer.route.methods).map((method) => ({ method, path: `${prefix}${layer.route!.path}` }));
      return layer.handle.stack ? walk(layer.handle.stack, layer.rawPath === '/' ? prefix : `${prefix}${layer.rawPath}`) : [];
    });
  return walk((app.router as unknown as { stack: Layer[] }).stack, '');
}

export type OpenApiOperation = { security?: unknown[]; 'x-loopback-only'?: boolean; requestBody?: unknown; responses: Record<string, unknown> };
export type OpenApiDocument = { openapi: string; paths: Record<string, Record<string, OpenApiOperation>> };

/** The operation an OpenAPI document gives for a served route, if any. */
export function documentedOperation(document: OpenApiDocument, route: ServedRoute): OpenApiOperation | undefined {
  return document.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method];
}
