import { useState } from 'react';
import type { Participant } from '../core/media/types';
import { createParticipantsSelector } from '../store/selectors';
import { useSessionStore } from './useSessionStore';

/**
 * Everyone in the session except this page (like `session.participants`), one entry per identity: a
 * participant who re-joins or resumes keeps a single entry, never a ghost.
 *
 * @example
 * ```tsx
 * const people = useParticipants();
 * return <p>{people.length + 1} in the call</p>;
 * ```
 */
export function useParticipants(): readonly Participant[] {
  const [selector] = useState(createParticipantsSelector);
  return useSessionStore(selector, 'useParticipants');
}
