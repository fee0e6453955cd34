// One policy: its mode (PUT /v1/policies/{p}/mode), its rules highlighted, the add-rule form
// that marks a syntax error at its line and column, and the simulate box.

import { request, segment } from '../api.js';
import { codeBlock } from '../datalog.js';
import { confirmDialog } from '../dialog.js';
import { append, clearMessage, h, messageRegion, showMessage } from '../dom.js';
import { isCurrent } from '../router.js';
import { canChange } from '../session.js';
import { errorPreview, offsetOf } from './rule-error.js';

const MODES = [
    ['monitor', 'monitor: record incidents, take no action'],
    ['dry-run', 'dry-run: log what the actions would do'],
    ['approve', 'approve: actions wait for an operator'],
    ['enforce', 'enforce: actions run at once'],
];

function ruleList(rules) {
    if (rules.length === 0) return h('p', { class: 'muted', text: 'This policy has no rules.' });
    return h('ul', { class: 'rule-list', id: 'rule-list' }, rules.map((rule) => h('li', { 'data-rule-id': rule.id ?? '' },
        rule.name ? h('div', { class: 'rule-name', text: rule.name }) : null,
        rule.comment ? h('div', { class: 'muted rule-comment', text: rule.comment }) : null,
        codeBlock(String(rule.rule ?? '')))));
}

function modeSection(policy, path) {
    const message = messageRegion('status');
    if (!canChange()) {
        return h('section', { class: 'panel', 'aria-labelledby': 'mode-title' },
            h('h2', { id: 'mode-title', text: 'Mode' }), h('p', {}, h('span', { class: 'badge', id: 'policy-mode', text: policy.mode ?? 'unknown' })));
    }

    const select = h('select', { id: 'mode-select', name: 'mode' },
        MODES.map(([value, label]) => h('option', { value, text: label, selected: policy.mode === value })));
    const form = h('form', { id: 'mode-form' },
        h('label', { for: 'mode-select', text: 'Mode' }), select, ' ',
        h('div', { class: 'button-row' }, h('button', { type: 'submit', text: 'Change mode' })), message);
    form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const mode = select.value;
        if (mode === policy.mode) {
            showMessage(message, 'info', `The mode is already ${mode}.`);
            return;
        }
        const answer = await confirmDialog({
            title: 'Change the mode',
            message: `Change ${policy.name} from ${policy.mode ?? 'unknown'} to ${mode}?`
                + (mode === 'enforce' ? ' Actions will run against the cloud without approval.' : ''),
            confirmLabel: 'Change mode',
            danger: mode === 'enforce',
        });
        if (!answer) return;
        try {
            const updated = await request(`${path}/mode`, { method: 'PUT', body: { mode } });
            policy.mode = updated?.mode ?? mode;
            showMessage(message, 'ok', `The mode of ${policy.name} is now ${policy.mode}.`);
        } catch (error) {
            select.value = policy.mode;
            showMessage(message, 'error', `Changing the mode failed: ${error.message}`);
        }
    });
    return h('section', { class: 'panel', 'aria-labelledby': 'mode-title' },
        h('h2', { id: 'mode-title', class: 'visually-hidden', text: 'Mode' }), form);
}

function addRuleSection(path, onAdded) {
    const message = messageRegion('alert');
    const preview = h('div', { id: 'rule-error-place' });
    const text = h('textarea', { id: 'rule-text', name: 'rule', rows: 5, required: true, spellcheck: 'false',
        'aria-describedby': 'rule-hint rule-error-message' });
    message.id = 'rule-error-message';
    const name = h('input', { id: 'rule-name', name: 'name', type: 'text' });
    const comment = h('input', { id: 'rule-comment', name: 'comment', type: 'text' });
    const form = h('form', { id: 'add-rule-form' },
        h('label', { for: 'rule-text', text: 'Rule' }), text,
        h('p', { class: 'hint', id: 'rule-hint', text: 'One rule, for example: flagged(vm) :- nova:servers(id=vm), not trusted(vm)' }),
        h('label', { for: 'rule-name', text: 'Name (optional)' }), name,
        h('label', { for: 'rule-comment', text: 'Comment (optional)' }), comment,
        h('div', { class: 'button-row' }, h('button', { type: 'submit', id: 'add-rule', text: 'Add rule' })),
        message, preview);

    text.addEventListener('input', () => {
        text.removeAttribute('aria-invalid');
        preview.replaceChildren();
    });
    form.addEventListener('submit', async (event) => {
        event.preventDefault();
        preview.replaceChildren();
        text.removeAttribute('aria-invalid');
        const ruleText = text.value;
        try {
            const added = await request(`${path}/rules`, {
                method: 'POST', body: { rule: ruleText, name: name.value || undefined, comment: comment.value || undefined },
            });
            showMessage(message, 'ok', `Added rule ${added?.name || added?.id || ''}.`.replace(' .', '.'));
            text.value = '';
            name.value = '';
            comment.value = '';
            await onAdded();
        } catch (error) {
            text.setAttribute('aria-invalid', 'true');
            const line = Number(error.data?.line);
            const column = Number(error.data?.column);
            if (Number.isInteger(line) && Number.isInteger(column) && line > 0 && column > 0) {
                showMessage(message, 'error', `Line ${line}, column ${column}: ${error.message}`);
                preview.replaceChildren(errorPreview(ruleText, line, column));
                const offset = offsetOf(ruleText, line, column);
                text.focus();
                text.setSelectionRange(offset, Math.min(offset + 1, ruleText.length));
            } else {
                showMessage(message, 'error', `Adding the rule failed: ${error.message}`);
                text.focus();
            }
        }
    });
    return h('section', { class: 'panel', 'aria-labelledby': 'add-rule-title' },
        h('h2', { id: 'add-rule-title', text: 'Add a rule' }), form);
}

function simulateSection(path) {
    const message = messageRegion('alert');
    const results = h('div', { id: 'simulate-results', 'aria-live': 'polite' });
    const queryInput = h('input', { id: 'simulate-query', name: 'query', type: 'text', value: 'error(vm, src, dst, tenant, window)' });
    const sequence = h('textarea', { id: 'simulate-sequence', name: 'sequence', rows: 3, spellcheck: 'false' });
    const actionPolicy = h('input', { id: 'simulate-action-policy', name: 'action_policy', type: 'text', value: 'action' });
    const delta = h('input', { id: 'simulate-delta', name: 'delta', type: 'checkbox', checked: true });
    const form = h('form', { id: 'simulate-form' },
        h('label', { for: 'simulate-query', text: 'Query' }), queryInput,
        h('label', { for: 'simulate-sequence', text: 'Sequence (updates such as nova:servers+("vm-9", ...))' }), sequence,
        h('label', { for: 'simulate-action-policy', text: 'Action policy' }), actionPolicy,
        h('label', { class: 'checkbox' }, delta, 'Show only what changes (delta)'),
        h('div', { class: 'button-row' }, h('button', { type: 'submit', text: 'Simulate' })),
        message, results);

    form.addEventListener('submit', async (event) => {
        event.preventDefault();
        clearMessage(message);
        results.replaceChildren();
        try {
            const answer = await request(path, {
                method: 'POST',
                query: { action: 'simulate', delta: delta.checked ? 'true' : undefined },
                body: { query: queryInput.value, sequence: sequence.value, action_policy: actionPolicy.value },
            });
            const rows = (Array.isArray(answer?.result) ? answer.result : []).map(String);
            const fired = rows.filter((row) => row.startsWith('execute['));
            const changed = rows.filter((row) => !row.startsWith('execute['));
            append(results,
                h('h3', { text: `What would change (${changed.length})` }),
                changed.length === 0 ? h('p', { class: 'muted', text: 'Nothing.' })
                    : h('ul', { class: 'rule-list', id: 'simulate-changes' }, changed.map((row) => h('li', {}, codeBlock(row)))),
                h('h3', { text: `Actions that would fire (${fired.length})` }),
                fired.length === 0 ? h('p', { class: 'muted', text: 'None.' })
                    : h('ul', { class: 'rule-list', id: 'simulate-actions' }, fired.map((row) => h('li', {}, codeBlock(row)))),
                typeof answer?.trace === 'string' && answer.trace ? h('pre', { class: 'code', text: answer.trace }) : null);
        } catch (error) {
            showMessage(message, 'error', `Simulation failed: ${error.message}`);
        }
    });
    return h('section', { class: 'panel', 'aria-labelledby': 'simulate-title' },
        h('h2', { id: 'simulate-title', text: 'Simulate' }), form);
}

export async function renderPolicy(view, { policy: name }, _query, generation) {
    const message = messageRegion('alert');
    const path = `/v1/policies/${segment(name)}`;
    view.append(h('p', {}, h('a', { href: '#/policies', text: '← All policies' })), h('h1', { text: `Policy ${name}` }), message);

    let policy;
    let rules;
    try {
        [policy, rules] = await Promise.all([request(path), request(`${path}/rules`)]);
    } catch (error) {
        showMessage(message, 'error', `Loading policy ${name} failed: ${error.message}`);
        return;
    }
    if (!isCurrent(generation)) return;

    const rulesPlace = h('div', {}, ruleList(rules?.results ?? []));
    const reloadRules = async () => {
        const answer = await request(`${path}/rules`);
        rulesPlace.replaceChildren(ruleList(answer?.results ?? []));
    };

    append(view,
        policy.description ? h('p', { class: 'muted', text: policy.description }) : null,
        modeSection(policy, path),
        h('section', { class: 'panel', 'aria-labelledby': 'rules-title' },
            h('h2', { id: 'rules-title', text: `Rules (${(rules?.results ?? []).length})` }), rulesPlace),
        canChange() ? addRuleSection(path, reloadRules) : null,
        simulateSection(path));
}
