import * as path from 'node:path';
import * as vscode from 'vscode';
import { inLanguage, LessonExample } from '../../core/examples/exampleManifest';
import { CommandIds } from '../constants';

export interface SectionNode {
  readonly section: string;
  readonly examples: LessonExample[];
}

export type ExamplesNode = SectionNode | LessonExample;

const isSection = (node: ExamplesNode): node is SectionNode => 'examples' in node;

/** The lesson's programs, grouped by section of the lesson, in the display language. */
export class ExamplesView implements vscode.TreeDataProvider<ExamplesNode> {
  private readonly sections: SectionNode[];

  constructor(
    readonly examples: readonly LessonExample[],
    private readonly folder: string,
    private readonly language = vscode.env.language,
  ) {
    // Groups outside the lesson's numbering share the section "": their English title tells them apart.
    const bySection = new Map<string, LessonExample[]>();
    for (const example of examples) {
      const group = `${example.section}:${example.sectionTitle.en}`;
      bySection.set(group, [...(bySection.get(group) ?? []), example]);
    }
    this.sections = [...bySection.values()].map((list) => ({ section: list[0].section, examples: list }));
  }

  fileOf(example: LessonExample): string {
    return path.join(this.folder, example.file);
  }

  getTreeItem(node: ExamplesNode): vscode.TreeItem {
    if (isSection(node)) {
      const title = inLanguage(node.examples[0].sectionTitle, this.language);
      const item = new vscode.TreeItem(`${node.section} ${title}`.trim(), vscode.TreeItemCollapsibleState.Expanded);
      item.id = `section:${node.section}:${node.examples[0].sectionTitle.en}`;
      item.iconPath = new vscode.ThemeIcon('book');
      return item;
    }
    const item = new vscode.TreeItem(inLanguage(node.title, this.language), vscode.TreeItemCollapsibleState.None);
    item.id = `example:${node.id}`;
    item.description = node.file;
    item.tooltip = new vscode.MarkdownString(`**${inLanguage(node.title, this.language)}**\n\n${inLanguage(node.expect, this.language)}`);
    item.iconPath = new vscode.ThemeIcon(node.interactive ? 'terminal' : 'symbol-event');
    item.contextValue = 'example';
    item.command = { command: CommandIds.openExample, title: vscode.l10n.t('Open Source'), arguments: [node] };
    return item;
  }

  getChildren(node?: ExamplesNode): ExamplesNode[] {
    if (!node) {
      return this.sections;
    }
    return isSection(node) ? node.examples : [];
  }

  getParent(node: ExamplesNode): ExamplesNode | undefined {
    return isSection(node) ? undefined : this.sections.find((s) => s.examples.includes(node));
  }
}
