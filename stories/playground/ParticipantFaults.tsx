import { useState } from 'react';
import { MediaToggle } from '../../src/components/MediaToggle/MediaToggle';
import { useSession } from '../../src/react/useSession';
import type { PlaygroundCamera } from './camera';
import { CHAOS_ROUTES } from './chaos-api';
import { chaos } from './chaos-client';
import type { PanelProps } from './ParticipantPanel';

/** A styled action button. */
export function ActionButton({
  tone = 'plain',
  ...props
}: React.ButtonHTMLAttributes<HTMLButtonElement> & { tone?: 'plain' | 'warn' | 'danger' }) {
  return <button type="button" className="hf-pg-button" data-tone={tone} {...props} />;
}

/** One participant's faults: its network paths (at the sidecar's proxies), its camera, the call. */
export function ParticipantFaults({
  participant,
  chaosEnabled,
  config,
  faultMs,
  log,
  camera,
}: PanelProps & { camera: PlaygroundCamera | null }) {
  const { status, join, leave } = useSession();
  const [frozen, setFrozen] = useState(false);
  const name = participant.name;
  const seconds = `${faultMs / 1000} s`;
  const run = async (label: string, ...routes: string[]) => {
    log.push('fault', `you: ${label}`);
    for (const route of routes) {
      const answer = await chaos(route);
      log.push('fault', answer.ok ? answer.message : `refused: ${answer.message}`);
    }
  };
  const media = chaosEnabled && config.capabilities.media;
  const mediaTitle = media ? undefined : 'Needs coturn (the sidecar relays media through TURN to cut it)';
  const inCall = status !== 'idle' && status !== 'disconnected';
  return (
    <fieldset className="hf-pg-faults" aria-label={`Faults for ${name}`}>
      <div className="hf-pg-row">
        <span className="hf-pg-row-label">Network</span>
        <ActionButton
          tone="warn"
          disabled={!chaosEnabled}
          onClick={() => void run(`drop signaling ${seconds}`, CHAOS_ROUTES.dropSignaling(name, faultMs))}
        >
          Drop signaling
        </ActionButton>
        <ActionButton
          tone="warn"
          disabled={!chaosEnabled}
          onClick={() => void run('reset signaling', CHAOS_ROUTES.resetSignaling(name))}
        >
          Reset signaling
        </ActionButton>
        <ActionButton
          tone="warn"
          disabled={!media}
          title={mediaTitle}
          onClick={() => void run(`cut media ${seconds}`, CHAOS_ROUTES.cutMedia(name, faultMs, false))}
        >
          Cut media
        </ActionButton>
        <ActionButton
          tone="warn"
          disabled={!media}
          title={mediaTitle}
          onClick={() =>
            void run(`switch network (${seconds} gap)`, CHAOS_ROUTES.cutMedia(name, faultMs, true))
          }
        >
          Switch network
        </ActionButton>
        <ActionButton
          tone="danger"
          disabled={!media}
          title={mediaTitle}
          onClick={() =>
            void run(
              `whole network down ${seconds}`,
              CHAOS_ROUTES.dropSignaling(name, faultMs),
              CHAOS_ROUTES.cutMedia(name, faultMs, true),
            )
          }
        >
          Network down
        </ActionButton>
      </div>
      <div className="hf-pg-row">
        <span className="hf-pg-row-label">Camera</span>
        <ActionButton
          aria-pressed={frozen}
          disabled={!camera?.canFreeze}
          title={camera?.canFreeze ? undefined : 'This browser cannot hold frames back'}
          onClick={() => {
            if (frozen) camera?.thaw();
            else camera?.freeze();
            log.push(
              'fault',
              frozen ? 'you: unfreeze my video' : 'you: freeze my video (frames stop at the sender)',
            );
            setFrozen(!frozen);
          }}
        >
          {frozen ? 'Unfreeze my video' : 'Freeze my video'}
        </ActionButton>
        <MediaToggle kind="video" />
        <ActionButton
          onClick={() => {
            log.push('fault', inCall ? 'you: leave' : 'you: join');
            void (inCall ? leave() : join()).catch(() => {});
          }}
        >
          {inCall ? 'Leave' : 'Join'}
        </ActionButton>
      </div>
    </fieldset>
  );
}
