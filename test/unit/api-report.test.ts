import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  API_DIR,
  buildApiReports,
  type EntryReport,
  namesInSection,
  REPO_ROOT,
  ROOT_NAMES_END,
  ROOT_NAMES_PAGE,
  ROOT_NAMES_START,
} from '../../scripts/api-report';

const HOW_TO_UPDATE =
  'the public surface changed: if that is deliberate, run `npm run api:update` and commit api/ and docs/react.md';

const read = (file: string) => {
  const path = join(REPO_ROOT, file);
  return existsSync(path) ? readFileSync(path, 'utf8') : null;
};

describe('public API report', () => {
  let reports: EntryReport[] = [];

  beforeAll(async () => {
    reports = await buildApiReports();
  }, 120_000);

  it('every package entry exports exactly what its checked-in report in api/ says', () => {
    expect(reports.map((report) => report.specifier)).toContain('holdfast');
    for (const report of reports) {
      expect(read(report.file), `${report.file}: ${HOW_TO_UPDATE}`).toBe(report.text);
    }
    const expected = reports.map((report) => report.file.slice(API_DIR.length + 1)).sort();
    const present = readdirSync(join(REPO_ROOT, API_DIR)).filter((name) => name.endsWith('.api.md'));
    expect(present.sort(), `a report in ${API_DIR}/ belongs to no package entry: ${HOW_TO_UPDATE}`).toEqual(
      expected,
    );
  });

  it(`${ROOT_NAMES_PAGE} lists exactly the root entry's names between its api:root markers`, () => {
    const root = reports.find((report) => report.specifier === 'holdfast');
    const page = read(ROOT_NAMES_PAGE) ?? '';
    const listed = namesInSection(page);
    expect(
      listed,
      `${ROOT_NAMES_PAGE} has no ${ROOT_NAMES_START} … ${ROOT_NAMES_END} section: ${HOW_TO_UPDATE}`,
    ).not.toBeNull();
    const actual = (root?.names ?? []).map((entry) => entry.name).sort();
    expect([...(listed ?? [])].sort(), `${ROOT_NAMES_PAGE}: ${HOW_TO_UPDATE}`).toEqual(actual);
  });
});
