import { useMemo } from 'react';
import type { RemoteStream } from '../core/media/types';
import { selectStream } from '../store/selectors';
import { useSessionStore } from './useSessionStore';

/**
 * One remote stream (with its `health` and `mediaStream`), or null when it is gone. Re-renders only when
 * this stream changes, not when others do.
 *
 * @example
 * ```tsx
 * const stream = useStream(streamId);
 * return <span>{stream?.health}</span>;
 * ```
 */
export function useStream(streamId: string): RemoteStream | null {
  const selector = useMemo(() => selectStream(streamId), [streamId]);
  return useSessionStore(selector, 'useStream');
}
