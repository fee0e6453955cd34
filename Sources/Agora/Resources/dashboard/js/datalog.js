// Syntax highlighting for Agora's Datalog (Congress's language): comments (//, #, /* */),
// strings, numbers, ':-', negation (not, NOT, !), execute[...] heads and service:table names.

import { h } from './dom.js';

const IDENTIFIER = /^[A-Za-z_.][A-Za-z0-9_.]*/;
const NUMBER = /^(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)/;

/** Splits text into tokens {type, text}; concatenating every text gives the input back. */
export function tokenize(text) {
    const tokens = [];
    let index = 0;
    const push = (type, end) => {
        tokens.push({ type, text: text.slice(index, end) });
        index = end;
    };

    while (index < text.length) {
        const rest = text.slice(index);
        const character = text[index];

        if (rest.startsWith('//') || character === '#') {
            const newline = text.indexOf('\n', index);
            push('comment', newline === -1 ? text.length : newline);
        } else if (rest.startsWith('/*')) {
            const close = text.indexOf('*/', index + 2);
            push('comment', close === -1 ? text.length : close + 2);
        } else if (character === '"' || character === "'") {
            const close = text.indexOf(character, index + 1);
            push('string', close === -1 ? text.length : close + 1);
        } else if (rest.startsWith(':-')) {
            push('operator', index + 2);
        } else if (character === '[' || character === ']') {
            push('execute', index + 1);
        } else if (character === '!' && IDENTIFIER.test(text.slice(index + 1))) {
            push('keyword', index + 1);
        } else if (NUMBER.test(rest) && !/[A-Za-z0-9_.]/.test(text[index - 1] ?? '')) {
            push('number', index + NUMBER.exec(rest)[0].length);
        } else if (IDENTIFIER.test(rest)) {
            const word = IDENTIFIER.exec(rest)[0];
            const after = text.slice(index + word.length);
            if (word === 'not' || word === 'NOT') {
                push('keyword', index + word.length);
            } else if (word === 'execute' && after.startsWith('[')) {
                push('execute', index + word.length);
            } else if (after.startsWith(':') && !after.startsWith(':-') && IDENTIFIER.test(after.slice(1))) {
                push('service', index + word.length + 1);
            } else if (/^[+-]?\(/.test(after) || tokens.at(-1)?.type === 'service') {
                push('table', index + word.length);
            } else {
                push('variable', index + word.length);
            }
        } else {
            let end = index + 1;
            while (end < text.length && /[\s,();=+\-<>]/.test(text[end]) && !text.startsWith(':-', end)) end += 1;
            push('plain', end);
        }
    }
    return tokens;
}

/** Returns a fragment of spans for text, one per token, classed tok-TYPE. */
export function highlight(text) {
    const fragment = document.createDocumentFragment();
    for (const token of tokenize(String(text ?? ''))) {
        fragment.append(token.type === 'plain'
            ? document.createTextNode(token.text)
            : h('span', { class: `tok-${token.type}`, text: token.text }));
    }
    return fragment;
}

/** Returns a <pre class="code"> block with the highlighted text. */
export function codeBlock(text, extraClass = '') {
    return h('pre', { class: `code ${extraClass}`.trim() }, h('code', {}, highlight(text)));
}
