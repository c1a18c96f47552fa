import { afterEach, describe, expect, it, vi } from 'vitest';
import { acquireLocalMedia } from '../../../src/core/media/local-media';

/** A device set for `getUserMedia`: the kinds present, and the constraints each call asked for. */
function devices(present: { audio: boolean; video: boolean }, missing = 'NotFoundError') {
  const asked: Array<{ audio: unknown; video: unknown }> = [];
  vi.stubGlobal(
    'MediaStream',
    class {
      constructor(readonly tracks: { kind: string }[]) {}
      getTracks() {
        return this.tracks;
      }
    },
  );
  vi.stubGlobal('navigator', {
    mediaDevices: {
      getUserMedia: async (constraints: { audio: unknown; video: unknown }) => {
        asked.push(constraints);
        if ((constraints.audio && !present.audio) || (constraints.video && !present.video))
          throw new DOMException('Requested device not found', missing);
        const tracks: { kind: string }[] = [];
        if (constraints.audio) tracks.push({ kind: 'audio' });
        if (constraints.video) tracks.push({ kind: 'video' });
        return { getTracks: () => tracks };
      },
    },
  });
  return asked;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('acquireLocalMedia', () => {
  it('opens camera and microphone together when both are there (one call)', async () => {
    const asked = devices({ audio: true, video: true });
    const stream = await acquireLocalMedia({});
    expect(stream.getTracks().map((t) => t.kind)).toEqual(['audio', 'video']);
    expect(asked).toEqual([{ audio: true, video: true }]);
  });

  it('without a camera, publishes the microphone alone (a participant without a camera is still heard)', async () => {
    const asked = devices({ audio: true, video: false });
    const stream = await acquireLocalMedia({});
    expect(stream.getTracks().map((t) => t.kind)).toEqual(['audio']);
    expect(asked).toEqual([
      { audio: true, video: true },
      { audio: true, video: false },
      { audio: false, video: true },
    ]);
  });

  it('after a refusal (camera blocked, or the prompt dismissed) tries the microphone alone, never the camera again', async () => {
    const asked = devices({ audio: true, video: false }, 'NotAllowedError');
    const stream = await acquireLocalMedia({});
    expect(stream.getTracks().map((t) => t.kind)).toEqual(['audio']);
    expect(asked).toEqual([
      { audio: true, video: true },
      { audio: true, video: false },
    ]);
  });

  it('without a microphone, publishes the camera alone', async () => {
    devices({ audio: false, video: true });
    const stream = await acquireLocalMedia({});
    expect(stream.getTracks().map((t) => t.kind)).toEqual(['video']);
  });

  it('with neither, rejects with the first error; a kind the app turned off is never tried alone', async () => {
    devices({ audio: false, video: false });
    await expect(acquireLocalMedia({})).rejects.toMatchObject({ name: 'NotFoundError' });
    const asked = devices({ audio: true, video: false });
    await expect(acquireLocalMedia({ audio: false })).rejects.toMatchObject({ name: 'NotFoundError' });
    expect(asked).toEqual([{ audio: false, video: true }]);
  });
});
