import { useRef, useState } from 'react';
import type { RemoteStream } from '../core/media/types';
import { createStreamsSelector, type StreamFilter } from '../store/selectors';
import { useSessionStore } from './useSessionStore';

/**
 * The remote streams passing `filter` (all without one), in arrival order. The array keeps its
 * reference while its streams do; a health change of a listed stream gives a new array. For large grids
 * prefer {@link useStreamIds} with one `<StreamView streamId>` per id, so only the changed tile renders.
 *
 * @example
 * ```tsx
 * const frozen = useStreams({ health: ['frozen', 'recovering'] });
 * const screens = useStreams((s) => s.typeOfVideo === 'SCREEN');
 * ```
 */
export function useStreams(filter?: StreamFilter): readonly RemoteStream[] {
  const latest = useRef(filter);
  latest.current = filter;
  const [selector] = useState(() => createStreamsSelector(() => latest.current));
  return useSessionStore(selector, 'useStreams');
}
