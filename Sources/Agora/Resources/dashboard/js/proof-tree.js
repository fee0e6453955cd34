// Draws a proof ({literal, table, values, negated, basis, rule, children}) as a tree of
// <details> elements, which the keyboard can open and close (Enter or Space on the summary).

import { h } from './dom.js';
import { codeBlock, highlight } from './datalog.js';

const BASES = new Set(['fact', 'rule', 'builtin', 'absence', 'truth', 'truncated']);
const BASIS_TITLES = {
    fact: 'A stored row',
    rule: 'Derived by the rule shown',
    builtin: 'A built-in that holds for these values',
    absence: 'Holds because no such row exists',
    truth: 'Always true',
    truncated: 'The explanation stops here (too deep or already shown)',
};
/** Levels open when the tree is first drawn; deeper levels start closed. */
const OPEN_DEPTH = 2;
/** Deeper nodes are not drawn, as a guard against a malformed or cyclic response. */
const MAX_DEPTH = 64;

function literalText(node) {
    const literal = String(node?.literal ?? node?.table ?? '?');
    return node?.negated && !/^(not\s|NOT\s|!)/.test(literal) ? `not ${literal}` : literal;
}

function basisBadge(basis) {
    const name = BASES.has(basis) ? basis : 'truth';
    return h('span', { class: `badge basis basis-${name}`, title: BASIS_TITLES[name], text: String(basis ?? '?') });
}

function drawNode(node, depth) {
    const children = Array.isArray(node?.children) ? node.children : [];
    const label = [h('span', { class: 'literal' }, highlight(literalText(node))), basisBadge(node?.basis)];
    const rule = typeof node?.rule === 'string' && node.rule !== '' ? codeBlock(node.rule, 'rule-text') : null;

    if (children.length === 0 || depth >= MAX_DEPTH) {
        return h('li', { class: 'proof-node leaf', 'data-basis': node?.basis ?? '' }, label, rule);
    }
    const list = h('ul', { role: 'group' }, children.map((child) => drawNode(child, depth + 1)));
    const details = h('details', { open: depth < OPEN_DEPTH }, h('summary', {}, label), rule, list);
    return h('li', { class: 'proof-node', 'data-basis': node?.basis ?? '' }, details);
}

/** Returns a section with expand/collapse buttons and the tree, or a note when proof is missing. */
export function proofTree(proof) {
    if (!proof || typeof proof !== 'object') {
        return h('p', { class: 'muted', text: 'The service returned no proof for this incident.' });
    }
    const tree = h('ul', { class: 'proof-tree' }, drawNode(proof, 0));
    const setAll = (open) => {
        for (const details of tree.querySelectorAll('details')) details.open = open;
    };
    return h('div', { class: 'proof' },
        h('div', { class: 'button-row' },
            h('button', { type: 'button', class: 'button-quiet', 'data-proof': 'expand', onclick: () => setAll(true) },
                'Expand all'),
            h('button', { type: 'button', class: 'button-quiet', 'data-proof': 'collapse', onclick: () => setAll(false) },
                'Collapse all')),
        tree);
}
