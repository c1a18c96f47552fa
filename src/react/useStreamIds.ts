import { useRef, useState } from 'react';
import { createStreamIdsSelector, type StreamFilter } from '../store/selectors';
import { useSessionStore } from './useSessionStore';

/**
 * The ids of the remote streams passing `filter`. Without a health filter the array changes only when
 * streams come or go: the cheapest way to render a grid of tiles.
 *
 * @example
 * ```tsx
 * const ids = useStreamIds();
 * return ids.map((id) => <StreamView key={id} streamId={id} />);
 * ```
 */
export function useStreamIds(filter?: StreamFilter): readonly string[] {
  const latest = useRef(filter);
  latest.current = filter;
  const [selector] = useState(() => createStreamIdsSelector(() => latest.current));
  return useSessionStore(selector, 'useStreamIds');
}
