import { INestApplicationContext, RequestMethod } from '@nestjs/common';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { PUBLIC_ROUTE, REQUIRED_PERMISSION } from '../auth/decorators';
import { describePermission, Permission } from './policy';

/** One route of the app and who may call it: a permission, public, or nothing declared (refused to all). */
export interface RouteAccess {
  method: string;
  /** Fastify's form: `/entries/:id`. */
  path: string;
  controller: string;
  handler: string;
  access: { permission: Permission } | { public: true } | { undeclared: true };
}

// Nest's own metadata keys for @Controller/@Get paths and methods.
const PATH = 'path';
const METHOD = 'method';

function joinPath(...parts: string[]): string {
  const joined = parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/');
  return `/${joined}`;
}

/**
 * Every route the app's controllers declare, with the permission it requires, read from the same metadata
 * the guard reads. The route-permission test and the OpenAPI text are both built from it.
 */
export function routeAccessTable(app: INestApplicationContext): RouteAccess[] {
  const scanner = new MetadataScanner();
  const rows: RouteAccess[] = [];
  const seen = new Set<Function>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Function | undefined;
      if (!controller || seen.has(controller)) continue;
      seen.add(controller);
      const base = [Reflect.getMetadata(PATH, controller) ?? ''].flat()[0] as string;
      for (const name of scanner.getAllMethodNames(controller.prototype)) {
        const handler = controller.prototype[name];
        const methodPath = Reflect.getMetadata(PATH, handler);
        if (methodPath === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD, handler) as RequestMethod];
        const permission: Permission | undefined = Reflect.getMetadata(REQUIRED_PERMISSION, handler) ?? Reflect.getMetadata(REQUIRED_PERMISSION, controller);
        const isPublic = Reflect.getMetadata(PUBLIC_ROUTE, handler) ?? Reflect.getMetadata(PUBLIC_ROUTE, controller);
        const access = isPublic ? ({ public: true } as const) : permission ? { permission } : ({ undeclared: true } as const);
        for (const path of [methodPath].flat() as string[]) {
          rows.push({ method, path: joinPath(base, path), controller: controller.name, handler: name, access });
        }
      }
    }
  }
  return rows.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
}

/** Says on each operation of the OpenAPI document who may call it, from the route's @Requires: the text cannot drift from the rule. */
export function documentAccess(document: OpenAPIObject, table: RouteAccess[]): void {
  for (const route of table) {
    const operation = document.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method.toLowerCase() as 'get'];
    if (!operation) continue;
    const who =
      'permission' in route.access
        ? describePermission(route.access.permission)
        : 'public' in route.access
          ? 'Ai được gọi: mọi người, không cần đăng nhập.'
          : 'Ai được gọi: không ai (tuyến chưa khai báo quyền).';
    operation.description = operation.description ? `${operation.description}\n\n${who}` : who;
  }
}
