import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/**
 * The page around media/timeline/timeline.js. The policy allows only our own
 * stylesheet and the one script carrying this page's nonce: no inline style,
 * no network, so the page can show nothing but what the extension posts.
 */
export function timelineHtml(webview: vscode.Webview, mediaRoot: vscode.Uri, title: string): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(mediaRoot, file)).toString();
  const policy = [
    "default-src 'none'",
    `img-src ${webview.cspSource}`,
    `style-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="${escapeHtml(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('timeline.css')}">
<title>${escapeHtml(title)}</title>
</head>
<body>
<header><h1 id="title"></h1><ul id="legend"></ul></header>
<main id="chart"></main>
<div id="tip" role="tooltip" hidden></div>
<script nonce="${nonce}" src="${asset('timeline.js')}"></script>
</body>
</html>`;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
