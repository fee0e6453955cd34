// Shows a rule's syntax error at its place: the service's 400 response carries error_data
// {kind, line, column, text} with a 1-based line and column.

import { h } from '../dom.js';

/**
 * Returns the offset into text of the 1-based line and column, clamped to the text.
 * NOTE: columns are counted in JavaScript string units (UTF-16), which match the service's
 * count for ASCII text. A character outside the BMP before the error may shift the mark by one.
 */
export function offsetOf(text, line, column) {
    const lines = text.split('\n');
    const lineIndex = Math.min(Math.max(line, 1), lines.length) - 1;
    let offset = 0;
    for (let index = 0; index < lineIndex; index += 1) offset += lines[index].length + 1;
    return offset + Math.min(Math.max(column, 1) - 1, lines[lineIndex].length);
}

/** Returns a <pre> of text with the character at line:column in <mark> and a caret line under it. */
export function errorPreview(text, line, column) {
    const lines = text.split('\n');
    const lineIndex = Math.min(Math.max(line, 1), lines.length) - 1;
    const columnIndex = Math.min(Math.max(column, 1) - 1, lines[lineIndex].length);
    const children = [];

    lines.forEach((lineText, index) => {
        if (index > 0) children.push('\n');
        if (index !== lineIndex) {
            children.push(lineText);
            return;
        }
        const marked = lineText.slice(columnIndex, columnIndex + 1) || ' ';
        children.push(lineText.slice(0, columnIndex),
            h('mark', { 'data-line': line, 'data-column': column, text: marked }),
            lineText.slice(columnIndex + 1),
            '\n',
            h('span', { class: 'caret-line', 'aria-hidden': 'true', text: `${' '.repeat(columnIndex)}^` }));
    });
    return h('pre', { class: 'code rule-error-preview', id: 'rule-error-preview' }, h('code', {}, children));
}
