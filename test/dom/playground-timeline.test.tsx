import { act, render, screen, within } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Timeline } from '../../stories/playground/Timeline';
import { TimelineLog } from '../../stories/playground/timeline-log';

describe('the Playground timeline', () => {
  afterEach(() => vi.restoreAllMocks());

  it('lists repeated identical lines newest first without a duplicate-key warning, and keeps the last 300', () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const log = new TimelineLog();
    render(
      <StrictMode>
        <Timeline log={log} name="A" />
      </StrictMode>,
    );
    expect(screen.getByText('Nothing yet.')).toBeInTheDocument();
    act(() => {
      // The same second, the same words: what made the old event log repeat keys.
      for (let i = 0; i < 320; i += 1) log.push('event', i < 310 ? 'B came back' : `line ${i}`);
    });
    const items = within(screen.getByRole('region', { name: 'What A saw' })).getAllByRole('listitem');
    expect(items).toHaveLength(300);
    expect(items[0]).toHaveTextContent('line 319');
    expect(items[299]).toHaveTextContent('B came back');
    expect(errors.mock.calls.flat().join('\n')).not.toMatch(/same key/);
  });
});
