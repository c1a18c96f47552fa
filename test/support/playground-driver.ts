import type { Page } from 'playwright-core';

/** What one Playground participant panel shows: its node badge and its connection phase. */
export interface PanelView {
  name: string;
  /** `node-1`, `node-2`, or null before it is in the call. */
  node: string | null;
  phase: string | null;
}

/** Reads every participant panel of the Playground story open in `page`. */
export async function readPanels(page: Page): Promise<PanelView[]> {
  return page.locator('section.hf-pg-panel').evaluateAll((panels) =>
    panels.map((panel) => {
      const badge = panel.querySelector('.hf-pg-badge')?.getAttribute('data-node') ?? 'none';
      return {
        name: panel.querySelector('h3')?.textContent ?? '',
        node: badge === 'none' ? null : badge,
        phase: panel.querySelector('[data-holdfast-connection]')?.getAttribute('data-holdfast-phase') ?? null,
      };
    }),
  );
}

/** Polls {@link readPanels} until `done` holds (every `everyMs`, at most `timeoutMs`); returns the last view. */
export async function waitForPanels(
  page: Page,
  done: (panels: PanelView[]) => boolean,
  {
    timeoutMs = 30_000,
    everyMs = 250,
    what = 'the participants',
  }: { timeoutMs?: number; everyMs?: number; what?: string } = {},
): Promise<PanelView[]> {
  const until = Date.now() + timeoutMs;
  let panels: PanelView[] = [];
  while (Date.now() < until) {
    panels = await readPanels(page);
    if (done(panels)) return panels;
    await page.waitForTimeout(everyMs);
  }
  throw new Error(`timed out waiting for ${what}: ${JSON.stringify(panels)}`);
}

/** True when `count` panels are in the call (stable, or just `recovered`) on one and the same node. */
export function allInCallOnOneNode(count: number) {
  return (panels: PanelView[]) =>
    panels.length === count &&
    panels.every(
      (p) =>
        (p.phase === 'stable' || p.phase === 'recovered') && p.node !== null && p.node === panels[0]?.node,
    );
}

/** Presses a node card's button (e.g. "Crash this node") in the Playground. */
export async function pressNodeButton(page: Page, nodeId: string, label: string): Promise<void> {
  await page.locator(`article[aria-label="Node ${nodeId}"] button`, { hasText: label }).click();
}
