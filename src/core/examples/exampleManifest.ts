import * as fs from 'node:fs';
import * as path from 'node:path';

/** Text in the languages the examples are described in. */
export interface Localized {
  readonly en: string;
  readonly 'zh-cn': string;
}

/** One program of the lesson, as examples/manifest.json lists it. */
export interface LessonExample {
  readonly id: string;
  readonly file: string;
  readonly section: string;
  readonly sectionTitle: Localized;
  readonly title: Localized;
  /** What the tree should show when it runs. */
  readonly expect: Localized;
  /** Reads stdin or runs until stopped. */
  readonly interactive: boolean;
  /** The id of an example that must be running first (the client needs the server). */
  readonly needs?: string;
}

function localized(value: unknown, field: string): Localized {
  const v = value as Partial<Localized> | undefined;
  if (typeof v?.en !== 'string' || typeof v['zh-cn'] !== 'string') {
    throw new Error(`${field} needs "en" and "zh-cn" text`);
  }
  return { en: v.en, 'zh-cn': v['zh-cn'] };
}

/** Validates the manifest's JSON; throws with the entry and field at fault. */
export function parseExampleManifest(json: unknown): LessonExample[] {
  const list = (json as { examples?: unknown })?.examples;
  if (!Array.isArray(list)) {
    throw new Error('the manifest has no "examples" list');
  }
  return list.map((entry: Record<string, unknown>, index) => {
    const where = `example ${index + 1}`;
    for (const key of ['id', 'file', 'section']) {
      if (typeof entry?.[key] !== 'string') {
        throw new Error(`${where}: "${key}" must be text`);
      }
    }
    return {
      id: entry.id as string,
      file: entry.file as string,
      section: entry.section as string,
      sectionTitle: localized(entry.sectionTitle, `${where}: sectionTitle`),
      title: localized(entry.title, `${where}: title`),
      expect: localized(entry.expect, `${where}: expect`),
      interactive: entry.interactive === true,
      needs: typeof entry.needs === 'string' ? entry.needs : undefined,
    };
  });
}

export function loadExampleManifest(examplesFolder: string): LessonExample[] {
  return parseExampleManifest(JSON.parse(fs.readFileSync(path.join(examplesFolder, 'manifest.json'), 'utf8')));
}

/** Chinese for any Chinese display language, English otherwise. */
export function inLanguage(text: Localized, language: string): string {
  return language.toLowerCase().startsWith('zh') ? text['zh-cn'] : text.en;
}
