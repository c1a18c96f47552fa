import { LIMITS } from './version';

/** Bounds of {@link jsonShapeProblem}. */
export interface JsonShapeLimits {
  /** Deepest nesting; the value itself is level 1. @default LIMITS.maxJsonDepth */
  maxDepth: number;
  /** Most values, containers included. @default LIMITS.maxJsonValues */
  maxValues: number;
}

const DEFAULT_LIMITS: JsonShapeLimits = { maxDepth: LIMITS.maxJsonDepth, maxValues: LIMITS.maxJsonValues };

/**
 * What keeps `value` from being a protocol payload, or null when it is plain JSON (plain objects,
 * arrays, strings, finite numbers, booleans, null) within `limits`. Walks with its own stack, never
 * recursing, and stops at the first problem, so any value costs at most `maxValues` steps: this check
 * must come before anything recursive (a JSON encoder) touches what a peer sent.
 *
 * @example
 * ```ts
 * jsonShapeProblem({ kind: 'signal', data: [[[]]] }); // null
 * jsonShapeProblem(JSON.parse('['.repeat(4100) + ']'.repeat(4100))); // 'nested deeper than 32 levels'
 * ```
 */
export function jsonShapeProblem(value: unknown, limits: JsonShapeLimits = DEFAULT_LIMITS): string | null {
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  let seen = 0;
  while (stack.length > 0) {
    const node = stack.pop();
    const depth = depths.pop() ?? 1;
    seen += 1;
    if (node === null || typeof node === 'string' || typeof node === 'boolean') continue;
    if (typeof node === 'number') {
      if (Number.isFinite(node)) continue;
      return 'a number that is not finite';
    }
    if (typeof node !== 'object') return `a value of type ${typeof node}, which JSON cannot carry`;
    const proto: unknown = Object.getPrototypeOf(node);
    const children = Array.isArray(node)
      ? (node as unknown[])
      : proto === Object.prototype || proto === null
        ? Object.values(node)
        : null;
    if (children === null) return 'a value that is not plain JSON (binary data or a class instance)';
    if (children.length === 0) continue;
    if (depth + 1 > limits.maxDepth) return `nested deeper than ${limits.maxDepth} levels`;
    if (seen + stack.length + children.length > limits.maxValues) {
      return `more than ${limits.maxValues} values`;
    }
    for (const child of children) {
      stack.push(child);
      depths.push(depth + 1);
    }
  }
  return null;
}
