/**
 * Docker's `--format` flags, shared by ps, images, volume ls, inspect and the others: the
 * `table` header and aligned columns, and lists as JSON lines, tables or one rendered line per
 * item. The templates themselves are events/template.ts (rendering) and events/templateParse.ts.
 * Pure.
 */
import { render } from '../events/template.js';
import { parseTemplate, type Template } from '../events/templateParse.js';
import type { Value } from '../events/templateFunctions.js';

/** The header of a `table` template: each field's header (from `headers`, else its name in capitals). */
export function renderHeader(template: Template, headers: Record<string, string> = {}): string {
  return template.parts.map((part) => {
    if (part.kind === 'text') return part.text;
    if (part.kind !== 'action') return '';
    const arg = part.pipeline[0]?.args[0];
    const name = arg?.kind === 'path' ? arg.path.join('.') : '';
    return headers[name] ?? (name ? name.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase() : '');
  }).join('');
}

/** Aligns tab-separated lines into columns three spaces apart, as Docker's tabwriter does. */
export function alignTabs(lines: string[]): string {
  const rows = lines.map((line) => line.split('\t'));
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => { if (i < row.length - 1) widths[i] = Math.max(widths[i] ?? 0, cell.length); });
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]! + 3))).join('').trimEnd()).join('\n') + (rows.length ? '\n' : '');
}

/**
 * Formats a list for `--format`: `json` prints JSON lines, `table …` a header and aligned rows,
 * anything else one rendered line per item.
 */
export function formatList(format: string, items: Value[], headers: Record<string, string> = {}): string {
  if (format === 'json') return items.map((item) => `${JSON.stringify(item)}\n`).join('');
  const template = parseTemplate(format);
  const lines = items.map((item) => render(template, item));
  if (template.table) return alignTabs([renderHeader(template, headers), ...lines]);
  return lines.map((line) => `${line}\n`).join('');
}
